package ops

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// frames computes, for rows sorted by partition and order key, each row's
// partition end, peers (rows with equal order keys) and frame [lo, hi].
func (o *overAgg) frames(b *types.Batch, segStart []int32) error {
	s := &o.scratch
	n := b.Len()
	s.segEnd = growI32(s.segEnd, n)
	for i := n - 1; i >= 0; i-- {
		if i < n-1 && segStart[i+1] == segStart[i] {
			s.segEnd[i] = s.segEnd[i+1]
		} else {
			s.segEnd[i] = int32(i + 1)
		}
	}
	o.peers(b, segStart)
	s.lo, s.hi = growI32(s.lo, n), growI32(s.hi, n)
	cfg := o.cfg
	needOrd := !cfg.Rows && (!cfg.Start.Unbounded && !cfg.Start.Current || !cfg.End.Unbounded && !cfg.End.Current)
	if needOrd {
		if len(cfg.OrderKeys) != 1 {
			return fmt.Errorf("RANGE frame with an offset needs exactly one ORDER BY key")
		}
		if err := s.orderValues(b.Cols[cfg.OrderKeys[0].Col], cfg.OrderKeys[0].Desc); err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		st, en := segStart[i], s.segEnd[i]-1
		s.lo[i] = o.bound(cfg.Start, int32(i), st, en, true)
		s.hi[i] = o.bound(cfg.End, int32(i), st, en, false)
		s.lo[i] = max(s.lo[i], st)
		s.hi[i] = min(s.hi[i], en)
	}
	if needOrd {
		o.rangeOffsets(segStart)
	}
	return nil
}

// peers marks runs of rows with equal order keys within a partition.
func (o *overAgg) peers(b *types.Batch, segStart []int32) {
	s := &o.scratch
	n := b.Len()
	s.peerStart, s.peerEnd = growI32(s.peerStart, n), growI32(s.peerEnd, n)
	kc := make([]arrow.Array, len(o.cfg.OrderKeys))
	for i, k := range o.cfg.OrderKeys {
		kc[i] = b.Cols[k.Col]
	}
	eq := kernel.NewRowEqual(kc, kc)
	for i := 0; i < n; i++ {
		if i > 0 && segStart[i] == segStart[i-1] && (len(kc) == 0 || eq(i-1, i)) {
			s.peerStart[i] = s.peerStart[i-1]
		} else {
			s.peerStart[i] = int32(i)
		}
	}
	for i := n - 1; i >= 0; i-- {
		if i < n-1 && s.peerStart[i+1] == s.peerStart[i] {
			s.peerEnd[i] = s.peerEnd[i+1]
		} else {
			s.peerEnd[i] = int32(i)
		}
	}
}

// bound places one frame bound for row i of partition [st, en]. RANGE
// offsets are placed afterwards by rangeOffsets; here they take the
// row's peers.
func (o *overAgg) bound(b OverBound, i, st, en int32, isStart bool) int32 {
	s := &o.scratch
	switch {
	case b.Unbounded && b.Following:
		return en
	case b.Unbounded:
		return st
	case b.Current && o.cfg.Rows:
		return i
	case b.Current || !o.cfg.Rows:
		if isStart {
			return s.peerStart[i]
		}
		return s.peerEnd[i]
	}
	off := int32(min(b.Offset, math.MaxInt32/2))
	if b.Following {
		return i + off
	}
	return i - off
}

// orderValues reads the single order key as int64s, negated for a
// descending order so that the frame arithmetic is always ascending.
func (s *overScratch) orderValues(a arrow.Array, desc bool) error {
	n := a.Len()
	if cap(s.ord) < n {
		s.ord, s.ordValid = make([]int64, n), make([]bool, n)
	}
	s.ord, s.ordValid = s.ord[:n], s.ordValid[:n]
	read := func(get func(int) int64) {
		for i := 0; i < n; i++ {
			s.ordValid[i] = a.IsValid(i)
			if s.ordValid[i] {
				v := get(i)
				if desc {
					v = -v
				}
				s.ord[i] = v
			}
		}
	}
	switch a := a.(type) {
	case *array.Int8:
		read(func(i int) int64 { return int64(a.Value(i)) })
	case *array.Int16:
		read(func(i int) int64 { return int64(a.Value(i)) })
	case *array.Int32:
		read(func(i int) int64 { return int64(a.Value(i)) })
	case *array.Int64:
		read(func(i int) int64 { return a.Value(i) })
	case *array.Timestamp:
		read(func(i int) int64 { return int64(a.Value(i)) })
	case *array.Date32:
		read(func(i int) int64 { return int64(a.Value(i)) * 86_400_000_000 })
	default:
		return fmt.Errorf("RANGE frame with an offset over ORDER BY of type %s is not supported", a.DataType())
	}
	return nil
}

// rangeOffsets places RANGE bounds with offsets by the order key: a start
// is the first row whose key is >= key ± offset, an end the last row
// whose key is <= key ± offset. Keys ascend within the non-NULL rows of
// a partition, so each bound moves forward with the row: two pointers.
// A row with a NULL key has its NULL peers as frame.
func (o *overAgg) rangeOffsets(segStart []int32) {
	s := &o.scratch
	n := len(segStart)
	for st := 0; st < n; {
		en := int(s.segEnd[st])
		lo, hi := st, en // non-NULL rows [lo, hi)
		for lo < en && !s.ordValid[lo] {
			lo++
		}
		for hi > lo && !s.ordValid[hi-1] {
			hi--
		}
		if b := o.cfg.Start; !b.Unbounded && !b.Current {
			p := lo
			for i := lo; i < hi; i++ {
				t := shift(s.ord[i], b)
				for p < hi && s.ord[p] < t {
					p++
				}
				s.lo[i] = int32(p)
			}
		}
		if b := o.cfg.End; !b.Unbounded && !b.Current {
			p := lo
			for i := lo; i < hi; i++ {
				t := shift(s.ord[i], b)
				for p < hi && s.ord[p] <= t {
					p++
				}
				s.hi[i] = int32(p - 1)
			}
		}
		st = en
	}
}

// shift is v moved by a bound's offset, saturating.
func shift(v int64, b OverBound) int64 {
	if b.Following {
		if v > math.MaxInt64-b.Offset {
			return math.MaxInt64
		}
		return v + b.Offset
	}
	if v < math.MinInt64+b.Offset {
		return math.MinInt64
	}
	return v - b.Offset
}
