package nexmark

import (
	"context"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// events generates n events with the default config through one generator.
func events(t testing.TB, cfg Config, n int) (kinds *array.Int32, person, auction, bid *array.Struct) {
	t.Helper()
	g, err := NewGenerator(cfg, "t", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cols := g.Fill(0, n)
	return cols[0].(*array.Int32), cols[1].(*array.Struct), cols[2].(*array.Struct), cols[3].(*array.Struct)
}

func TestProportionsAndIDs(t *testing.T) {
	kinds, person, auction, bid := events(t, DefaultConfig(), 5000)
	count := [3]int{}
	for i := range kinds.Len() {
		count[kinds.Value(i)]++
	}
	if count != [3]int{100, 300, 4600} {
		t.Fatalf("person/auction/bid counts = %v, want [100 300 4600]", count)
	}
	pid := person.Field(0).(*array.Int64)
	aid := auction.Field(0).(*array.Int64)
	if kinds.Value(0) != TypePerson || pid.Value(0) != FirstPersonID {
		t.Fatalf("event 0: type %d person id %d, want a person with id %d", kinds.Value(0), pid.Value(0), FirstPersonID)
	}
	if kinds.Value(1) != TypeAuction || aid.Value(1) != FirstAuctionID {
		t.Fatalf("event 1: type %d auction id %d, want an auction with id %d", kinds.Value(1), aid.Value(1), FirstAuctionID)
	}
	if kinds.Value(50) != TypePerson || pid.Value(50) != FirstPersonID+1 {
		t.Fatalf("event 50: person id %d, want %d", pid.Value(50), FirstPersonID+1)
	}
	// Rows of other types are NULL, children included.
	if !person.IsNull(1) || !pid.IsNull(1) || bid.IsNull(4) || !bid.IsNull(0) {
		t.Fatal("struct validity does not follow event_type")
	}
	// Bids name auctions and persons that exist or are a few ahead.
	ba, bb := bid.Field(bAuction).(*array.Int64), bid.Field(bBidder).(*array.Int64)
	lastA, lastP := int64(0), int64(0)
	for i := range kinds.Len() {
		switch kinds.Value(i) {
		case TypePerson:
			lastP = pid.Value(i)
		case TypeAuction:
			lastA = aid.Value(i)
		case TypeBid:
			if ba.Value(i) > lastA+auctionIDLead || ba.Value(i) < FirstAuctionID {
				t.Fatalf("event %d: bid for auction %d, last auction %d", i, ba.Value(i), lastA)
			}
			if bb.Value(i) > lastP+personIDLead || bb.Value(i) < FirstPersonID {
				t.Fatalf("event %d: bidder %d, last person %d", i, bb.Value(i), lastP)
			}
		}
	}
}

func TestTimestampsAndSizes(t *testing.T) {
	cfg := DefaultConfig()
	_, person, auction, bid := events(t, cfg, 10000)
	bts := bid.Field(bDateTime).(*array.Timestamp)
	if got, want := int64(bts.Value(9999)), (cfg.BaseTime+9999/10)*1000; got != want {
		t.Fatalf("event 9999 timestamp %d µs, want %d (10,000 events/s)", got, want)
	}
	avg := func(s *array.Struct, f int) float64 {
		c := s.Field(f).(*array.String)
		sum, n := 0, 0
		for i := range c.Len() {
			if s.IsValid(i) {
				sum += len(c.Value(i))
				n++
			}
		}
		return float64(sum) / float64(n)
	}
	// bid: 32 bytes of numbers + extra of 54..81 letters (avg 100 - 32).
	if a := avg(bid, bExtra); a < 64 || a > 72 {
		t.Errorf("bid extra averages %.1f bytes, want about 68", a)
	}
	if a := avg(auction, aExtra); a < 250 || a > 400 {
		t.Errorf("auction extra averages %.1f bytes", a)
	}
	if a := avg(person, pExtra); a < 80 || a > 160 {
		t.Errorf("person extra averages %.1f bytes", a)
	}
	exp := auction.Field(aExpires).(*array.Timestamp)
	at := auction.Field(aDateTime).(*array.Timestamp)
	for i := range exp.Len() {
		if auction.IsValid(i) && exp.Value(i) <= at.Value(i) {
			t.Fatalf("auction %d expires before it starts", i)
		}
	}
}

// TestDeterministic checks that a range's events do not depend on how the
// sequence is cut or on the projection.
func TestDeterministic(t *testing.T) {
	cfg := DefaultConfig()
	g1, _ := NewGenerator(cfg, "t", nil, nil)
	whole := g1.Fill(0, 2000)
	g2, _ := NewGenerator(cfg, "t", nil, []int{colBid})
	part := g2.Fill(1000, 1000)
	want := array.NewSlice(whole[colBid], 1000, 2000)
	if !array.Equal(want, part[0]) {
		t.Fatal("events 1000..1999 differ between a whole and a projected partial generation")
	}
}

// TestSource runs the source with three subtasks and checks that they
// share out every event exactly once: each auction id appears once.
func TestSource(t *testing.T) {
	tbl := &connector.Table{Name: "t", Schema: Schema(), Options: map[string]string{OptEventsNum: "10000"}}
	total := 0
	auctions := map[int64]int{}
	for sub := range 3 {
		src, err := newSource(tbl)
		if err != nil {
			t.Fatal(err)
		}
		if err := src.Open(context.Background(), connector.Task{Subtask: sub, Parallelism: 3, BatchSize: 512}); err != nil {
			t.Fatal(err)
		}
		for {
			b, err := src.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			total += b.Len()
			a := b.Cols[colAuction].(*array.Struct)
			ids := a.Field(aID).(*array.Int64)
			for i := range b.Len() {
				if a.IsValid(i) {
					auctions[ids.Value(i)]++
				}
			}
		}
		_ = src.Close()
	}
	if total != 10000 || len(auctions) != 600 {
		t.Fatalf("subtasks emitted %d events and %d auctions, want 10000 and 600", total, len(auctions))
	}
	for id, n := range auctions {
		if n != 1 || id < FirstAuctionID || id >= FirstAuctionID+600 {
			t.Fatalf("auction %d emitted %d times", id, n)
		}
	}
}

func TestOptionsAndSchemaErrors(t *testing.T) {
	for _, opts := range []map[string]string{
		{OptEventsNum: "-1"}, {OptFirstEventRate: "0"}, {OptBidAvgSize: "big"}, {OptBaseTime: "yesterday"},
		{OptPersonProportion: "0"},
	} {
		if _, err := ParseConfig("t", opts); err == nil {
			t.Errorf("%v: no error", opts)
		}
	}
	bad := types.NewSchema(types.Field{Name: "bid", Type: types.RowOf(types.Field{Name: "price", Type: types.String})})
	if _, err := NewGenerator(DefaultConfig(), "t", bad, nil); err == nil {
		t.Error("a VARCHAR price was accepted")
	}
	old := types.NewSchema(types.Field{Name: "bid", Type: types.RowOf(
		types.Field{Name: "price", Type: types.BigInt}, types.Field{Name: "dateTime", Type: types.TimestampMs})})
	if _, err := NewGenerator(DefaultConfig(), "t", old, nil); err != nil {
		t.Errorf("a subset of bid's fields: %v", err)
	}
	if err := connector.Validate("t", map[string]string{"events.nmu": "1"}, Factory.Options); err == nil {
		t.Error("misspelt option accepted")
	}
}

// TestChannels checks the channel names and URLs: hot channels are the
// four nexmark names, others channel-<n> with a nexmark.com URL that
// mostly carries a channel_id.
func TestChannels(t *testing.T) {
	_, _, _, bid := events(t, DefaultConfig(), 20000)
	ch, url := bid.Field(bChannel).(*array.String), bid.Field(bURL).(*array.String)
	hot, withID, n := 0, 0, 0
	for i := range bid.Len() {
		if !bid.IsValid(i) {
			continue
		}
		n++
		c, u := ch.Value(i), url.Value(i)
		if !strings.HasPrefix(u, "https://www.nexmark.com/") || !strings.Contains(u, "/item.htm?query=1") {
			t.Fatalf("bad url %q", u)
		}
		switch {
		case slices.Contains(hotChannel, c):
			hot++
		case strings.HasPrefix(c, "channel-"):
			if strings.Contains(u, "&channel_id=") {
				withID++
			}
		default:
			t.Fatalf("bad channel %q", c)
		}
	}
	if hot < n*45/100 || hot > n*55/100 || withID < (n-hot)*85/100 {
		t.Fatalf("%d bids: %d on hot channels, %d others with a channel_id", n, hot, withID)
	}
	if got := string(appendChannelName(nil, 9999)); got != "channel-9999" {
		t.Fatalf("appendChannelName = %q", got)
	}
}

// TestPrice checks the fast 10^(6u) against math.Pow over the range.
func TestPrice(t *testing.T) {
	var r rng
	r.seed(1, 1)
	for range 100000 {
		s := r.s
		got := r.price()
		r2 := rng{s}
		want := int64(math.Round(math.Pow(10, r2.float64()*6) * 100))
		if d := got - want; d > 1 || d < -1 {
			t.Fatalf("price %d, want %d", got, want)
		}
		if got < 100 || got > 100_000_000 {
			t.Fatalf("price %d out of [100, 1e8]", got)
		}
	}
}

// BenchmarkGenerate measures generation alone, all columns. Besides
// wall-clock events/s it reports events per CPU second of the process
// (getrusage), which a loaded machine distorts less.
func BenchmarkGenerate(b *testing.B) {
	g, _ := NewGenerator(DefaultConfig(), "t", nil, nil)
	const n = 8192
	cpu0 := cpuTime()
	for k := 0; b.Loop(); k++ {
		cols := g.Fill(int64(k)*n, n)
		for _, c := range cols {
			c.Release()
		}
	}
	events := float64(b.N) * n
	b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(events/cpu, "events/cpu-s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
