package metrics

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
)

func TestHistogramBuckets(t *testing.T) {
	for _, v := range []int64{0, 1, 255, 256, 257, 511, 512, 1000, 123456, 1 << 33, maxValue} {
		i := bucketOf(v)
		lo, w := bucketRange(i)
		if v < lo || v >= lo+w {
			t.Errorf("value %d in bucket %d = [%d,%d)", v, i, lo, lo+w)
		}
		if i < 0 || i >= numBuckets {
			t.Errorf("value %d: bucket %d out of range", v, i)
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name string
		gen  func() int64
	}{
		{"uniform 0..1e6", func() int64 { return rng.Int64N(1_000_000) }},
		{"exponential mean 5000", func() int64 { return int64(rng.ExpFloat64() * 5000) }},
		{"lognormal", func() int64 { return int64(math.Exp(rng.NormFloat64()*2 + 10)) }},
		{"hours in micros", func() int64 { return 3_600_000_000 + rng.Int64N(7_200_000_000) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h Histogram
			vals := make([]int64, 200_000)
			for i := range vals {
				vals[i] = c.gen()
				h.Observe(vals[i])
			}
			sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
			if h.Count() != int64(len(vals)) {
				t.Fatalf("count %d, want %d", h.Count(), len(vals))
			}
			for _, q := range []float64{0.01, 0.1, 0.5, 0.9, 0.99, 0.999} {
				want := float64(vals[int(q*float64(len(vals)))])
				got := h.Quantile(q)
				if want >= 100 && math.Abs(got-want) > 0.01*want {
					t.Errorf("q%.3f = %.1f, want %.1f (±1%%)", q, got, want)
				}
			}
			if h.Quantile(0) != float64(vals[0]) || h.Quantile(1) != float64(vals[len(vals)-1]) {
				t.Errorf("q0 %v q1 %v, want min %d max %d", h.Quantile(0), h.Quantile(1), vals[0], vals[len(vals)-1])
			}
		})
	}
}

func TestHistogramEdges(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 || h.Count() != 0 || h.Min() != 0 || h.Max() != 0 {
		t.Fatal("empty histogram not zero")
	}
	var nilH *Histogram
	if nilH.Count() != 0 || nilH.Quantile(0.5) != 0 {
		t.Fatal("nil histogram not zero")
	}
	h.Observe(-5) // clock stepped back
	h.Observe(math.MaxInt64)
	if h.Min() != 0 || h.Max() != maxValue || h.Count() != 2 {
		t.Fatalf("min %d max %d count %d", h.Min(), h.Max(), h.Count())
	}
	var one Histogram
	one.Observe(42)
	for _, q := range []float64{0, 0.5, 1, math.NaN()} {
		if got := one.Quantile(q); got != 42 {
			t.Errorf("single value q%v = %v", q, got)
		}
	}
}

func TestHistogramConcurrent(t *testing.T) {
	r := NewRegistry()
	var wg sync.WaitGroup
	const workers, per = 4, 10_000
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := r.Group("sink", w%2).Histogram(Latency)
			for i := range per {
				h.Observe(int64(i))
			}
		}()
		wg.Add(1)
		go func() { // readers race with writers
			defer wg.Done()
			for range 100 {
				_ = r.MergedHistogram(Latency).Quantile(0.99)
			}
		}()
	}
	wg.Wait()
	m := r.MergedHistogram(Latency)
	if m.Count() != workers*per {
		t.Fatalf("merged count %d, want %d", m.Count(), workers*per)
	}
	if p50 := m.Quantile(0.5); math.Abs(p50-per/2) > 0.01*per/2 {
		t.Errorf("p50 %v, want ~%d", p50, per/2)
	}
	if m.Min() != 0 || m.Max() != per-1 {
		t.Errorf("min %d max %d", m.Min(), m.Max())
	}
	if got := r.Total(Latency); got != workers*per {
		t.Errorf("snapshot total %d, want %d", got, workers*per)
	}
	var nilR *Registry
	if nilR.MergedHistogram(Latency).Count() != 0 {
		t.Error("nil registry histogram not empty")
	}
	var nilG *Group
	nilG.Histogram(Latency).Observe(1)
}
