package nexmark

import (
	"math"
	"testing"
)

// TestPriceRoundingAndBidExtra pins two shortcuts of the bid path to the
// general code they replace: price's add-a-half rounding to math.Round,
// and the precomputed bid padding length to extraLen, draw for draw.
func TestPriceRoundingAndBidExtra(t *testing.T) {
	var r rng
	r.seed(7, 3)
	for range 200000 {
		x := r.float64() * priceSteps
		k := int(x)
		d := (x - float64(k)) * (6 * math.Ln10 / priceSteps)
		v := pow10Table[k] * (1 + d*(1+d*(0.5+d*(1.0/6+d*(1.0/24+d/120))))) * 100
		if got, want := int64(v+0.5), int64(math.Round(v)); got != want {
			t.Fatalf("rounding %v: %d, want %d", v, got, want)
		}
	}
	for _, avg := range []int{0, 10, 32, 33, 36, 100, 1000} {
		cfg := DefaultConfig()
		cfg.BidAvgSize = avg
		g, err := NewGenerator(cfg, "t", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for e := range int64(1000) {
			g.r.seed(1, e)
			a := g.r
			want := a.extraLen(bidSize, avg)
			got := g.bidExtraBase
			if g.bidExtraSpan > 0 {
				got += g.r.intn(g.bidExtraSpan)
			}
			if got != want || g.r != a {
				t.Fatalf("avg %d event %d: length %d (rng %x), want %d (rng %x)", avg, e, got, g.r.s, want, a.s)
			}
		}
	}
}
