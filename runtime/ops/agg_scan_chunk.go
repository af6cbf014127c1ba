package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// chunkScratch holds what the scan path needs for accumulators that are
// not rowScanners: the batch cut into chunks of rows in which no group
// comes twice (a reset ends a chunk), so each chunk is one Update and one
// result read, in row order.
type chunkScratch struct {
	ends  []int32  // end (exclusive) of each chunk
	seen  []uint32 // per group: the chunk that last saw it
	id    uint32   // the last chunk id given, over all batches
	bmark []uint32 // per group: the batch bcnt counts (preferScan)
	bcnt  []uint32
	cg    []uint32
	read  []uint32
	ret   []bool
	args  []arrow.Array
	parts []arrow.Array
	bld   []array.Builder // per call, for resultAppenders
}

// chunks cuts the rows [0, len(eff)) into chunks; it runs once per batch.
func (a *hashAgg) chunks(in *scanInput) []int32 {
	s := &a.chunkS
	s.growMarks(a.table.len(), len(in.eff))
	ends := s.ends[:0]
	id := s.id + 1
	for i, g := range in.eff {
		if g == expr.NoGroup {
			continue
		}
		if s.seen[g] == id {
			ends = append(ends, int32(i))
			id++
		}
		s.seen[g] = id
		if in.reset[i] {
			ends = append(ends, int32(i+1))
			id++
		}
	}
	s.id = id
	if len(ends) == 0 || ends[len(ends)-1] != int32(len(in.eff)) {
		ends = append(ends, int32(len(in.eff)))
	}
	s.ends = ends
	return ends
}

// growMarks sizes the per-group marks to t groups and makes sure that n
// more chunk ids cannot wrap around to an id still marked.
func (s *chunkScratch) growMarks(t, n int) {
	if len(s.seen) < t {
		s.seen = append(s.seen, make([]uint32, t-len(s.seen))...)
		s.bmark = append(s.bmark, make([]uint32, t-len(s.bmark))...)
		s.bcnt = append(s.bcnt, make([]uint32, t-len(s.bcnt))...)
	}
	if uint64(s.id)+uint64(n)+2 >= 1<<32 {
		clear(s.seen)
		s.id = 0
	}
}

// aggScanMode forces the per-row path in tests: 1 always scans, -1 always
// runs rounds, 0 lets preferScan choose.
var aggScanMode = 0

// preferScan tells whether the scan path costs less than perRow's rounds
// for this batch: both make one Update and one result read per call and
// step (a chunk, a round), but in the scan path the rowScanners make none.
// Hot groups make as many rounds as chunks; spread groups make few rounds
// and chunks of about the square root of the number of groups.
func (a *hashAgg) preferScan(n int) bool {
	if aggScanMode != 0 {
		return aggScanMode > 0
	}
	generic := 0
	for _, acc := range a.accs {
		if _, ok := acc.(rowScanner); !ok {
			generic++
		}
	}
	if generic == 0 {
		return len(a.accs) > 0
	}
	s := &a.chunkS
	s.growMarks(a.table.len(), n)
	a.epoch++
	id := s.id + 1
	chunks, rounds := 1, uint32(1)
	for _, g := range a.groups[:n] {
		if s.seen[g] == id {
			chunks++
			id++
		}
		s.seen[g] = id
		if s.bmark[g] != a.epoch {
			s.bmark[g], s.bcnt[g] = a.epoch, 0
		}
		s.bcnt[g]++
		rounds = max(rounds, s.bcnt[g])
	}
	s.id = id
	return chunks*generic <= int(rounds)*len(a.accs)
}

// scanChunks is scanRows for any accumulator: one Update and one result
// read per chunk.
func (a *hashAgg) scanChunks(c int, ends []int32, in *scanInput) (arrow.Array, error) {
	s := &a.chunkS
	acc := a.accs[c]
	if len(s.bld) < len(a.accs) {
		s.bld = make([]array.Builder, len(a.accs))
	}
	app, isApp := acc.(resultAppender)
	if isApp && s.bld[c] == nil {
		s.bld[c] = types.NewBuilder(a.cfg.Calls[c].Type)
	}
	s.parts = s.parts[:0]
	lo := int32(0)
	for _, hi := range ends {
		if hi == lo {
			continue
		}
		cg := growU32(s.cg, int(hi-lo))
		s.cg = cg
		read := s.read[:0]
		for j := range cg {
			i := int(lo) + j
			if in.eff[i] == expr.NoGroup {
				cg[j] = expr.NoGroup
				continue
			}
			cg[j] = in.cg[i]
			read = append(read, in.eff[i])
		}
		s.read = read
		var ret []bool
		if in.retract != nil {
			ret = in.retract[lo:hi]
		}
		args := s.args[:0]
		for _, col := range in.args {
			if lo == 0 && int(hi) == col.Len() {
				args = append(args, col)
			} else {
				args = append(args, array.NewSlice(col, int64(lo), int64(hi)))
			}
		}
		s.args = args
		err := acc.Update(a.ctx, cg, args, ret)
		clear(args)
		if err != nil {
			return nil, err
		}
		if len(read) > 0 {
			if isApp {
				err = app.AppendResult(a.ctx, read, s.bld[c])
			} else {
				var r arrow.Array
				r, err = acc.Result(a.ctx, read)
				s.parts = append(s.parts, r)
			}
			if err != nil {
				return nil, err
			}
			if last := hi - 1; in.reset[last] {
				acc.Reset(in.eff[last : last+1])
			}
		}
		lo = hi
	}
	if isApp {
		r := s.bld[c].NewArray()
		if r.Len() != in.effN {
			return nil, &AggConfigError{a.cfg.Calls[c].Name + ": results of another type"}
		}
		return r, nil
	}
	defer clear(s.parts)
	if len(s.parts) == 1 {
		return s.parts[0], nil
	}
	return array.Concatenate(s.parts, memory.DefaultAllocator)
}
