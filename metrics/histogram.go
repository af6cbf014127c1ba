package metrics

import (
	"math"
	"math/bits"
	"sync/atomic"
)

// Latency is Flink's source-to-sink latency: sink tasks record, for every
// latency marker they receive, the time since a source emitted it, in
// microseconds (metrics.latency.interval turns markers on).
const Latency = "latency"

// The bucket layout is log-linear, as HdrHistogram's: values below
// subBuckets have a bucket each; above, every power of two is split into
// subBuckets/2 equal buckets, so a bucket is never wider than 1/128 of
// its lower bound (about two significant digits). Values are capped at
// 2^maxBits-1 (about 12 days in microseconds), which bounds the array.
const (
	subBits    = 8
	subBuckets = 1 << subBits // values below this are exact
	halfSub    = subBuckets / 2
	maxBits    = 40
	numBuckets = subBuckets + (maxBits-subBits)*halfSub
	maxValue   = int64(1)<<maxBits - 1
)

// Histogram counts observations in fixed log-linear buckets. Observe is
// lock-free (one atomic add per bucket and count), so sink tasks record
// while the client reads quantiles. The zero value is empty and ready.
type Histogram struct {
	count   atomic.Int64
	min     atomic.Int64 // stored as value+1 so that zero means "none yet"
	max     atomic.Int64
	buckets [numBuckets]atomic.Int64
}

// bucketOf returns the bucket index of v (0 <= v <= maxValue).
func bucketOf(v int64) int {
	if v < subBuckets {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - subBits // >= 1
	// v>>shift lies in [halfSub, subBuckets): the top subBits bits of v.
	return subBuckets + (shift-1)*halfSub + int(v>>shift) - halfSub
}

// bucketRange returns the lowest value of bucket i and its width.
func bucketRange(i int) (lo, width int64) {
	if i < subBuckets {
		return int64(i), 1
	}
	shift := (i-subBuckets)/halfSub + 1
	m := int64((i-subBuckets)%halfSub + halfSub)
	return m << shift, int64(1) << shift
}

// Observe records v; negative values (a clock stepping back) count as 0
// and values beyond the range as the largest value kept.
func (h *Histogram) Observe(v int64) {
	if v < 0 {
		v = 0
	} else if v > maxValue {
		v = maxValue
	}
	h.buckets[bucketOf(v)].Add(1)
	for {
		m := h.min.Load()
		if m != 0 && m-1 <= v || h.min.CompareAndSwap(m, v+1) {
			break
		}
	}
	for {
		m := h.max.Load()
		if m >= v || h.max.CompareAndSwap(m, v) {
			break
		}
	}
	// Count last, so a reader that sees n observations finds at least n
	// in the buckets.
	h.count.Add(1)
}

// Count returns the number of observations.
func (h *Histogram) Count() int64 {
	if h == nil {
		return 0
	}
	return h.count.Load()
}

// Min returns the smallest value observed, 0 when empty.
func (h *Histogram) Min() int64 {
	if h == nil || h.min.Load() == 0 {
		return 0
	}
	return h.min.Load() - 1
}

// Max returns the largest value observed, 0 when empty.
func (h *Histogram) Max() int64 {
	if h == nil {
		return 0
	}
	return h.max.Load()
}

// Quantile returns the value below which a fraction q (0..1) of the
// observations lie, interpolated linearly inside the bucket that holds
// it; 0 when empty. The unit is that of the observed values.
func (h *Histogram) Quantile(q float64) float64 {
	n := h.Count()
	if n == 0 {
		return 0
	}
	if math.IsNaN(q) || q < 0 {
		q = 0
	} else if q > 1 {
		q = 1
	}
	lo, hi := float64(h.Min()), float64(h.Max())
	rank := q * float64(n)
	var cum int64
	for i := range h.buckets {
		c := h.buckets[i].Load()
		if c == 0 {
			continue
		}
		if float64(cum+c) >= rank {
			start, width := bucketRange(i)
			v := float64(start) + (rank-float64(cum))/float64(c)*float64(width)
			return math.Min(math.Max(v, lo), hi)
		}
		cum += c
	}
	return hi
}

// Merge adds every observation of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil || o.Count() == 0 {
		return
	}
	for i := range o.buckets {
		if c := o.buckets[i].Load(); c != 0 {
			h.buckets[i].Add(c)
		}
	}
	if m := o.min.Load(); m != 0 {
		for {
			cur := h.min.Load()
			if cur != 0 && cur <= m || h.min.CompareAndSwap(cur, m) {
				break
			}
		}
	}
	if m := o.max.Load(); m > 0 {
		for {
			cur := h.max.Load()
			if cur >= m || h.max.CompareAndSwap(cur, m) {
				break
			}
		}
	}
	h.count.Add(o.Count())
}

// Histogram returns the group's histogram called name, creating it once.
func (g *Group) Histogram(name string) *Histogram {
	if g == nil || g.r == nil {
		return new(Histogram)
	}
	r := g.r
	r.mu.Lock()
	defer r.mu.Unlock()
	key := g.scope + "." + name
	e := r.entries[key]
	if e == nil {
		e = &entry{scope: g.scope, name: name, histogram: new(Histogram)}
		r.entries[key] = e
	}
	if e.histogram == nil {
		// The name is taken by a counter or gauge: hand out a detached
		// histogram rather than fail the task.
		return new(Histogram)
	}
	return e.histogram
}

// MergedHistogram returns a new histogram holding the observations of
// every histogram called name, over all scopes; empty for a nil registry.
func (r *Registry) MergedHistogram(name string) *Histogram {
	out := new(Histogram)
	if r == nil {
		return out
	}
	r.mu.Lock()
	hs := make([]*Histogram, 0, 4)
	for _, e := range r.entries {
		if e.name == name && e.histogram != nil {
			hs = append(hs, e.histogram)
		}
	}
	r.mu.Unlock()
	for _, h := range hs {
		out.Merge(h)
	}
	return out
}
