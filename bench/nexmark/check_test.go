package nexmarkbench

import (
	"fmt"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/connector/nexmark"
)

// Independent computations of q5, q7, q8 and q11 straight from the
// generator's events, written from the queries' meaning rather than
// through the engine, so an operator bug cannot hide behind a batch-mode
// bug of the same kind. Times are µs since the epoch, as Spry's values.

const sec = int64(1_000_000)

var independent = map[string]func(events, rate int64) (multiset, error){
	"q5": q5, "q7": q7, "q8": q8, "q11": q11,
}

type bidEv struct {
	auction, bidder, price, ts int64
	extra                      string
}

type personEv struct {
	id, ts int64
	name   string
}

type auctionEv struct{ seller, ts int64 }

// readEvents generates the events the nexmark table produces with the
// verifier's options, in event-number order (so in time order).
func readEvents(events, rate int64) (bids []bidEv, persons []personEv, auctions []auctionEv, err error) {
	cfg := nexmark.DefaultConfig()
	cfg.Events, cfg.Rate = events, rate
	g, err := nexmark.NewGenerator(cfg, "nexmark", nil, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	const block = 8192
	for first := int64(0); first < events; first += block {
		n := int(min(block, events-first))
		cols := g.Fill(first, n)
		kinds := cols[0].(*array.Int32)
		p, a, b := cols[1].(*array.Struct), cols[2].(*array.Struct), cols[3].(*array.Struct)
		for i := range n {
			switch kinds.Value(i) {
			case nexmark.TypePerson:
				persons = append(persons, personEv{id: i64(p, "id", i), ts: i64(p, "dateTime", i), name: str(p, "name", i)})
			case nexmark.TypeAuction:
				auctions = append(auctions, auctionEv{seller: i64(a, "seller", i), ts: i64(a, "dateTime", i)})
			case nexmark.TypeBid:
				bids = append(bids, bidEv{auction: i64(b, "auction", i), bidder: i64(b, "bidder", i),
					price: i64(b, "price", i), ts: i64(b, "dateTime", i), extra: str(b, "extra", i)})
			}
		}
	}
	return bids, persons, auctions, nil
}

func field(s *array.Struct, name string) arrow.Array {
	idx, _ := s.DataType().(*arrow.StructType).FieldIdx(name)
	return s.Field(idx)
}

func i64(s *array.Struct, name string, i int) int64 {
	switch a := field(s, name).(type) {
	case *array.Int64:
		return a.Value(i)
	case *array.Timestamp:
		return int64(a.Value(i))
	}
	panic(fmt.Sprintf("nexmark field %s is not an integer", name))
}

func str(s *array.Struct, name string, i int) string {
	return field(s, name).(*array.String).Value(i)
}

// q5: per HOP window (10 s size, 2 s slide), the auctions with the most
// bids; ties all kept (num >= max).
func q5(events, rate int64) (multiset, error) {
	bids, _, _, err := readEvents(events, rate)
	if err != nil {
		return nil, err
	}
	size, slide := 10*sec, 2*sec
	type wa struct{ start, auction int64 }
	counts := map[wa]int64{}
	for _, b := range bids {
		last := b.ts - b.ts%slide
		for s := last; s > b.ts-size; s -= slide {
			counts[wa{s, b.auction}]++
		}
	}
	maxn := map[int64]int64{}
	for k, c := range counts {
		maxn[k.start] = max(maxn[k.start], c)
	}
	out := multiset{}
	for k, c := range counts {
		if c >= maxn[k.start] {
			out[key([]any{k.auction, c})]++
		}
	}
	return out, nil
}

// q7: the bids whose price is the highest of a 10 s tumbling window, taken
// from [window_end - 10 s, window_end] (both ends inclusive, as BETWEEN).
func q7(events, rate int64) (multiset, error) {
	bids, _, _, err := readEvents(events, rate)
	if err != nil {
		return nil, err
	}
	size := 10 * sec
	maxp := map[int64]int64{} // window start → max price
	for _, b := range bids {
		s := b.ts - b.ts%size
		if p, ok := maxp[s]; !ok || b.price > p {
			maxp[s] = b.price
		}
	}
	out := multiset{}
	for s, p := range maxp {
		end := s + size
		lo := sort.Search(len(bids), func(i int) bool { return bids[i].ts >= end-size })
		for i := lo; i < len(bids) && bids[i].ts <= end; i++ {
			if b := bids[i]; b.price == p {
				out[key([]any{b.auction, b.bidder, b.price, b.ts, b.extra})]++
			}
		}
	}
	return out, nil
}

// q8: persons who joined and created an auction in the same 10 s tumbling
// window: one row per (person id, name, window) with a matching seller.
func q8(events, rate int64) (multiset, error) {
	_, persons, auctions, err := readEvents(events, rate)
	if err != nil {
		return nil, err
	}
	size := 10 * sec
	type pw struct {
		id, start int64
		name      string
	}
	type sw struct{ seller, start int64 }
	ps := map[pw]bool{}
	for _, p := range persons {
		ps[pw{p.id, p.ts - p.ts%size, p.name}] = true
	}
	sellers := map[sw]bool{}
	for _, a := range auctions {
		sellers[sw{a.seller, a.ts - a.ts%size}] = true
	}
	out := multiset{}
	for p := range ps {
		if sellers[sw{p.id, p.start}] {
			out[key([]any{p.id, p.name, p.start})]++
		}
	}
	return out, nil
}

// q11: bids per bidder per session (gap 10 s): a bid at most 10 s after
// the session's last bid extends it (Flink merges session windows that
// touch: TimeWindow.intersects includes the ends); the session ends 10 s
// after its last bid.
func q11(events, rate int64) (multiset, error) {
	bids, _, _, err := readEvents(events, rate)
	if err != nil {
		return nil, err
	}
	gap := 10 * sec
	type session struct{ start, last, count int64 }
	open := map[int64]*session{}
	out := multiset{}
	emit := func(bidder int64, s *session) {
		out[key([]any{bidder, s.count, s.start, s.last + gap})]++
	}
	for _, b := range bids { // in time order
		s := open[b.bidder]
		if s != nil && b.ts <= s.last+gap {
			s.last = max(s.last, b.ts)
			s.count++
			continue
		}
		if s != nil {
			emit(b.bidder, s)
		}
		open[b.bidder] = &session{start: b.ts, last: b.ts, count: 1}
	}
	for bidder, s := range open {
		emit(bidder, s)
	}
	return out, nil
}
