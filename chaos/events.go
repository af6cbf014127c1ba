package chaos

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// Window sizes of the job's HOP aggregation, in milliseconds.
const (
	hopSlide = 5_000
	hopSize  = 10_000
	// maxDisorder bounds how far behind the newest bid a bid's event time
	// may be; the job's watermark delay (watermarkDelay) is larger, so no
	// bid is ever late and the result does not depend on how batches
	// interleave or where the job was restored.
	maxDisorder    = 2_000
	watermarkDelay = 3 // seconds, in the job's WATERMARK clause
)

// epoch is the event time of the first bid.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// Bid is one input event.
type Bid struct {
	Auction, Bidder, Price int64
	TS                     int64 // event time, ms since the Unix epoch (a TIMESTAMP(3) in UTC)
}

// Input is what the harness writes to the input topics.
type Input struct {
	Bids []Bid
	// Categories maps auctions to their category; about one auction in
	// ten has none, so the inner join drops its windows.
	Categories map[int64]string
}

// Generate makes n bids over auctions auctions, one millisecond of event
// time apart with up to maxDisorder ms of disorder, from seed.
func Generate(seed uint64, n, auctions int) *Input {
	rng := rand.New(rand.NewPCG(seed, 0x6368616f73))
	in := &Input{Bids: make([]Bid, n), Categories: map[int64]string{}}
	var maxTS int64
	for i := range in.Bids {
		ts := epoch + int64(i) - rng.Int64N(maxDisorder)
		ts = max(ts, maxTS-maxDisorder, epoch)
		maxTS = max(maxTS, ts)
		in.Bids[i] = Bid{Auction: int64(rng.IntN(auctions)) + 1, Bidder: rng.Int64N(10_000) + 1, Price: rng.Int64N(10_000) + 1, TS: ts}
	}
	for a := int64(1); a <= int64(auctions); a++ {
		if a%10 != 0 {
			in.Categories[a] = fmt.Sprintf("cat-%d", a%7)
		}
	}
	return in
}

// Row is one output row of the job.
type Row struct {
	Auction                int64
	Category               string
	WindowStart, WindowEnd int64 // ms since the Unix epoch
	Cnt, Total, MaxPrice   int64
}

// Key is the row's canonical text; multisets of rows are compared by it.
func (r Row) Key() string {
	return fmt.Sprintf("%d|%s|%s|%s|%d|%d|%d", r.Auction, r.Category, fmtTS(r.WindowStart), fmtTS(r.WindowEnd), r.Cnt, r.Total, r.MaxPrice)
}

func fmtTS(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000") }

// Expected computes the job's result from the input: per auction and HOP
// window, the count, sum and maximum of the prices, joined with the
// auction's category. It is the oracle every run is compared with.
func Expected(in *Input) []Row {
	type key struct{ auction, start int64 }
	type acc struct{ cnt, total, maxPrice int64 }
	aggs := map[key]*acc{}
	for _, b := range in.Bids {
		last := b.TS - mod(b.TS, hopSlide)
		for start := last; start > b.TS-hopSize; start -= hopSlide {
			k := key{b.Auction, start}
			a := aggs[k]
			if a == nil {
				a = &acc{}
				aggs[k] = a
			}
			a.cnt++
			a.total += b.Price
			a.maxPrice = max(a.maxPrice, b.Price)
		}
	}
	out := make([]Row, 0, len(aggs))
	for k, a := range aggs {
		cat, ok := in.Categories[k.auction]
		if !ok {
			continue
		}
		out = append(out, Row{Auction: k.auction, Category: cat, WindowStart: k.start, WindowEnd: k.start + hopSize,
			Cnt: a.cnt, Total: a.total, MaxPrice: a.maxPrice})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].WindowStart != out[j].WindowStart {
			return out[i].WindowStart < out[j].WindowStart
		}
		return out[i].Auction < out[j].Auction
	})
	return out
}

func mod(a, b int64) int64 { return ((a % b) + b) % b }
