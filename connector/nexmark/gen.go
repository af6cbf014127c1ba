package nexmark

import (
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/types"
)

// Generator writes ranges of Nexmark events straight into Arrow columns.
// Event n's content depends only on n and the Config, so any subtask can
// generate any range. A Generator is not safe for concurrent use.
type Generator struct {
	m     *model
	pool  []byte
	ch    *channels
	table *types.Schema // the full physical schema declared by the table
	cols  []int         // emitted columns (indexes into table)

	wantType bool
	person   *rowCols
	auction  *rowCols
	bid      *rowCols
	kinds    []int32
	r        rng
	// bidExtra is extraLen's fixed part for bids, whose size before the
	// padding is a constant: base, plus a draw below span when span > 0.
	bidExtraBase, bidExtraSpan int
}

// NewGenerator returns a generator for a table of the given physical
// schema (nil: Schema()) emitting the columns proj (nil: all).
func NewGenerator(cfg Config, table string, schema *types.Schema, proj []int) (*Generator, error) {
	if schema == nil {
		schema = Schema()
	}
	if proj == nil {
		proj = make([]int, schema.Len())
		for i := range proj {
			proj[i] = i
		}
	}
	g := &Generator{m: newModel(cfg), pool: newLetterPool(cfg.Seed), ch: channelsFor(cfg.Seed), table: schema, cols: proj,
		person: newRowCols(personFields), auction: newRowCols(auctionFields), bid: newRowCols(bidFields)}
	if avg := cfg.BidAvgSize - bidSize; avg >= 0 {
		delta := int(math.Round(float64(avg) * 0.2))
		g.bidExtraBase, g.bidExtraSpan = avg-delta, 2*delta
	}
	for _, c := range proj {
		f := schema.Fields[c]
		switch columnIndex(f.Name) {
		case colEventType:
			if f.Type.Kind != types.KindInt {
				return nil, &SchemaError{table, fmt.Sprintf("event_type must be INT, found %s", f.Type)}
			}
			g.wantType = true
		case colPerson:
			if err := g.person.bind(table, f.Name, f.Type); err != nil {
				return nil, err
			}
		case colAuction:
			if err := g.auction.bind(table, f.Name, f.Type); err != nil {
				return nil, err
			}
		case colBid:
			if err := g.bid.bind(table, f.Name, f.Type); err != nil {
				return nil, err
			}
		default:
			return nil, &SchemaError{table, fmt.Sprintf("unknown column %s", f.Name)}
		}
	}
	return g, nil
}

func columnIndex(name string) int {
	for i, n := range columnNames {
		if equalFold(n, name) {
			return i
		}
	}
	return -1
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}

// EventType is the event_type of event number e.
func (g *Generator) EventType(e int64) int32 { return g.m.eventType(e) }

// TimestampMs is the event time of event number e in ms since the epoch.
func (g *Generator) TimestampMs(e int64) int64 { return g.m.timestampMs(e) }

// Fill generates events first .. first+n-1 and returns the emitted columns.
func (g *Generator) Fill(first int64, n int) []arrow.Array {
	m := g.m
	frac := func(p int64) float64 { return float64(n) * float64(p) / float64(m.total) }
	g.person.reset(n, frac(m.cfg.PersonProp)+1, m.cfg.PersonAvgSize)
	g.auction.reset(n, frac(m.cfg.AuctionProp)+1, m.cfg.AuctionAvgSize)
	g.bid.reset(n, frac(m.cfg.BidProp)+1, m.cfg.BidAvgSize)
	if g.wantType {
		g.kinds = make([]int32, n)
	}
	for i := range n {
		g.event(first+int64(i), i)
	}
	g.person.nulls = n - g.person.rows
	g.auction.nulls = n - g.auction.rows
	g.bid.nulls = n - g.bid.rows
	out := make([]arrow.Array, len(g.cols))
	for k, c := range g.cols {
		f := g.table.Fields[c]
		switch columnIndex(f.Name) {
		case colEventType:
			data := array.NewData(arrow.PrimitiveTypes.Int32, n,
				[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(g.kinds))}, nil, 0, 0)
			out[k] = array.MakeFromData(data)
			data.Release()
		case colPerson:
			out[k] = g.person.array(n)
		case colAuction:
			out[k] = g.auction.array(n)
		case colBid:
			out[k] = g.bid.array(n)
		}
	}
	return out
}

// event writes event e into row i of every wanted column.
func (g *Generator) event(e int64, i int) {
	t := g.m.eventType(e)
	if g.wantType {
		g.kinds[i] = t
	}
	switch t {
	case TypePerson:
		if g.person.want {
			g.r.seed(g.m.cfg.Seed, e)
			g.genPerson(e, i)
		}
	case TypeAuction:
		if g.auction.want {
			g.r.seed(g.m.cfg.Seed, e)
			g.genAuction(e, i)
		}
	default:
		if g.bid.want {
			g.r.seed(g.m.cfg.Seed, e)
			g.genBid(e, i)
		}
	}
}

// begin marks row i of rc valid and pads its string columns up to row i.
func (rc *rowCols) begin(i int) {
	rc.valid[i>>3] |= 1 << (i & 7)
	rc.rows++
	for _, c := range rc.all {
		c.pad(i)
	}
}

func (g *Generator) genPerson(e int64, i int) {
	p, r := g.person, &g.r
	p.begin(i)
	p.ints[pID][i] = g.m.lastPerson(e) + FirstPersonID
	p.ints[pDateTime][i] = g.m.timestampMs(e) * 1000
	size := 8
	name := p.strs[pName]
	start := len(name.data)
	name.data = append(name.data, firstNames[r.intn(len(firstNames))]...)
	name.data = append(name.data, ' ')
	name.data = append(name.data, lastNames[r.intn(len(lastNames))]...)
	size += len(name.data) - start
	name.set(i)
	email := p.strs[pEmail]
	start = len(email.data)
	email.data = r.appendString(email.data, 7, ' ')
	email.data = append(email.data, '@')
	email.data = r.appendString(email.data, 5, ' ')
	email.data = append(email.data, ".com"...)
	size += len(email.data) - start
	email.set(i)
	cc := p.strs[pCard]
	for k := range 4 {
		if k > 0 {
			cc.data = append(cc.data, ' ')
		}
		v := r.intn(10000)
		cc.data = append(cc.data, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
	}
	size += 19
	cc.set(i)
	city := usCities[r.intn(len(usCities))]
	p.strs[pCity].data = append(p.strs[pCity].data, city...)
	p.strs[pCity].set(i)
	state := usStates[r.intn(len(usStates))]
	p.strs[pState].data = append(p.strs[pState].data, state...)
	p.strs[pState].set(i)
	size += len(city) + len(state)
	g.appendExtra(p.strs[pExtra], i, size, g.m.cfg.PersonAvgSize)
}

func (g *Generator) genAuction(e int64, i int) {
	a, r, m := g.auction, &g.r, g.m
	a.begin(i)
	ts := m.timestampMs(e)
	a.ints[aID][i] = m.lastAuction(e) + FirstAuctionID
	var seller int64
	if r.intn(m.cfg.HotSellerRatio) > 0 {
		seller = (m.lastPerson(e) / hotRatio) * hotRatio
	} else {
		seller = m.randomPerson(e, r)
	}
	a.ints[aSeller][i] = seller + FirstPersonID
	a.ints[aCategory][i] = FirstCategoryID + int64(r.intn(numCategories))
	initial := r.price()
	a.ints[aInitialBid][i] = initial
	horizon := m.timestampMs(e+m.auctionHorizonEvents) - ts
	a.ints[aExpires][i] = (ts + 1 + r.int64n(max(horizon*2, 1))) * 1000
	a.ints[aDateTime][i] = ts * 1000
	name := a.strs[aItemName]
	start := len(name.data)
	name.data = r.appendString(name.data, 20, ' ')
	size := 8 + len(name.data) - start + 40
	name.set(i)
	desc := a.strs[aDescription]
	start = len(desc.data)
	desc.data = r.appendString(desc.data, 100, ' ')
	size += len(desc.data) - start
	desc.set(i)
	a.ints[aReserve][i] = initial + r.price()
	g.appendExtra(a.strs[aExtra], i, size, m.cfg.AuctionAvgSize)
}

func (g *Generator) genBid(e int64, i int) {
	b, r, m := g.bid, &g.r, g.m
	b.begin(i)
	var auction, bidder int64
	if r.intn(m.cfg.HotAuctionRatio) > 0 {
		auction = (m.lastAuction(e) / hotRatio) * hotRatio
	} else {
		auction = m.randomAuction(e, r)
	}
	if r.intn(m.cfg.HotBidderRatio) > 0 {
		bidder = (m.lastPerson(e)/hotRatio)*hotRatio + 1
	} else {
		bidder = m.randomPerson(e, r)
	}
	b.ints[bAuction][i] = auction + FirstAuctionID
	b.ints[bBidder][i] = bidder + FirstPersonID
	b.ints[bPrice][i] = r.price()
	b.ints[bDateTime][i] = m.timestampMs(e) * 1000
	ch, url := b.strs[bChannel], b.strs[bURL]
	if r.intn(hotChannelsRatio) > 0 {
		k := r.intn(len(hotChannel))
		ch.data = append(ch.data, hotChannel[k]...)
		url.data = append(url.data, g.ch.hotURLs[k]...)
	} else {
		k := r.intn(channelsNumber)
		ch.data = appendChannelName(ch.data, k)
		url.data = g.ch.appendURL(url.data, k)
	}
	ch.set(i)
	url.set(i)
	n := g.bidExtraBase
	if g.bidExtraSpan > 0 {
		n += g.r.intn(g.bidExtraSpan)
	}
	g.appendExtraN(b.strs[bExtra], i, n)
}

// bidSize is a bid's size before its 'extra' padding, as nexmark counts
// it (four longs).
const bidSize = 32

// appendExtra sets row i of c to nexmark's 'extra' padding, cut from the
// letter pool.
func (g *Generator) appendExtra(c *strCol, i, current, avg int) {
	g.appendExtraN(c, i, g.r.extraLen(current, avg))
}

// appendExtraN sets row i of c to n letters of padding (at most the pool).
func (g *Generator) appendExtraN(c *strCol, i, n int) {
	n = min(n, letterPoolSize)
	off := g.r.intn(letterPoolSize - n + 1)
	c.data = append(c.data, g.pool[off:off+n]...)
	c.set(i)
}

// String describes the generator for errors and logs.
func (g *Generator) String() string {
	return "nexmark generator (rate " + strconv.FormatInt(g.m.cfg.Rate, 10) + " events/s)"
}
