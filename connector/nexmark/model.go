package nexmark

import (
	"math"
	"math/bits"
	"strconv"
	"sync"
)

// The id rules of nexmark-flink's GeneratorConfig and Person/Auction/Bid
// generators. Ids start high so that small runs still find matches.
const (
	FirstPersonID   = 1000
	FirstAuctionID  = 1000
	FirstCategoryID = 10

	personIDLead     = 10  // yet-to-be-created persons a bid or auction may name
	auctionIDLead    = 10  // yet-to-be-created auctions a bid may name
	numCategories    = 5   // few categories, so queries find results early
	hotRatio         = 100 // hot sellers/bidders/auctions: the first of each hundred
	numActivePeople  = 1000
	numInFlight      = 100 // auctions in flight per generator
	hotChannelsRatio = 2
	channelsNumber   = 10000
	minStringLength  = 3
)

// Event types, the value of event_type.
const (
	TypePerson  = 0
	TypeAuction = 1
	TypeBid     = 2
)

var (
	usStates   = []string{"AZ", "CA", "ID", "OR", "WA", "WY"}
	usCities   = []string{"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"}
	firstNames = []string{"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"}
	lastNames  = []string{"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"}
	hotChannel = []string{"Google", "Facebook", "Baidu", "Apple"}
)

// rng is a wyrand generator: one multiply per draw and no allocation. Each
// event reseeds it from the event number, so an event's values do not
// depend on which events a subtask generated before it.
type rng struct{ s uint64 }

func (r *rng) seed(seed uint64, event int64) {
	z := seed ^ (uint64(event)+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	r.s = z ^ z>>31
}

func (r *rng) next() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// intn returns a uniform int in [0, n), n > 0.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// int64n returns a uniform int64 in [0, n), n > 0.
func (r *rng) int64n(n int64) int64 {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int64(hi)
}

func (r *rng) float64() float64 { return float64(r.next()>>11) / (1 << 53) }

// price is nexmark's price: 10^(6u) * 100 rounded, u uniform in [0, 1).
// 10^(6u) is a table entry times a short series for the remainder (both
// exact to ~1e-12 relative), cheaper than math.Exp on the bid path.
func (r *rng) price() int64 {
	x := r.float64() * priceSteps
	k := int(x)
	d := (x - float64(k)) * (6 * math.Ln10 / priceSteps)
	series := 1 + d*(1+d*(0.5+d*(1.0/6+d*(1.0/24+d/120))))
	// Adding one half and truncating is math.Round for values in
	// [0.5, 2^52), and prices are at least 100; it skips Round's bit
	// twiddling on the bid path.
	return int64(pow10Table[k]*series*100 + 0.5)
}

// priceSteps splits the exponent range [0, 6) of prices into table steps.
const priceSteps = 1024

// pow10Table[k] = 10^(6k/priceSteps).
var pow10Table = func() (t [priceSteps + 1]float64) {
	for k := range t {
		t[k] = math.Pow(10, 6*float64(k)/priceSteps)
	}
	return t
}()

// appendString appends nexmark's nextString: 3..max-1 letters, about one in
// thirteen replaced by space (or special), trimmed of spaces.
func (r *rng) appendString(dst []byte, max int, special byte) []byte {
	n := minStringLength + r.intn(max-minStringLength)
	start := len(dst)
	for range n {
		// One draw per character: the high half picks space-or-letter
		// (1 in 13), the low half the letter.
		v := r.next()
		if (v>>32)*13>>32 == 0 {
			dst = append(dst, special)
		} else {
			dst = append(dst, byte('a'+(v&0xffffffff)*26>>32))
		}
	}
	if special != ' ' {
		return dst
	}
	s := dst[start:]
	i, j := 0, len(s)
	for i < j && s[i] == ' ' {
		i++
	}
	for j > i && s[j-1] == ' ' {
		j--
	}
	copy(s, s[i:j])
	return dst[:start+j-i]
}

// extraLen is the length of nexmark's nextExtra padding: the event's
// average size minus what it already has, within ±20%.
func (r *rng) extraLen(current, avg int) int {
	if current > avg {
		return 0
	}
	avg -= current
	delta := int(math.Round(float64(avg) * 0.2))
	if delta == 0 {
		return avg - delta
	}
	return avg - delta + r.intn(2*delta)
}

// model holds the generator's derived constants.
type model struct {
	cfg   Config
	total int64
	// delayUs is the event-time gap between events, in µs.
	delayUs float64
	// auctionHorizonEvents: events until numInFlight more auctions exist.
	auctionHorizonEvents int64
}

func newModel(c Config) *model {
	total := c.PersonProp + c.AuctionProp + c.BidProp
	return &model{cfg: c, total: total, delayUs: 1e6 / float64(c.Rate),
		auctionHorizonEvents: numInFlight * total / c.AuctionProp}
}

// eventType is the type of event number e.
func (m *model) eventType(e int64) int32 {
	rem := e % m.total
	switch {
	case rem < m.cfg.PersonProp:
		return TypePerson
	case rem < m.cfg.PersonProp+m.cfg.AuctionProp:
		return TypeAuction
	}
	return TypeBid
}

// timestampMs is the event time of event e, in ms since the epoch.
func (m *model) timestampMs(e int64) int64 {
	return m.cfg.BaseTime + int64(float64(e)*m.delayUs)/1000
}

// lastPerson is the last person id (base 0) generated at or before e.
func (m *model) lastPerson(e int64) int64 {
	epoch, off := e/m.total, e%m.total
	if off >= m.cfg.PersonProp {
		off = m.cfg.PersonProp - 1
	}
	return epoch*m.cfg.PersonProp + off
}

// lastAuction is the last auction id (base 0) generated at or before e.
func (m *model) lastAuction(e int64) int64 {
	epoch, off := e/m.total, e%m.total
	switch {
	case off < m.cfg.PersonProp:
		epoch--
		off = m.cfg.AuctionProp - 1
	case off >= m.cfg.PersonProp+m.cfg.AuctionProp:
		off = m.cfg.AuctionProp - 1
	default:
		off -= m.cfg.PersonProp
	}
	return epoch*m.cfg.AuctionProp + off
}

// randomPerson picks one of the active persons or a few leads (base 0).
func (m *model) randomPerson(e int64, r *rng) int64 {
	people := m.lastPerson(e) + 1
	active := min(people, numActivePeople)
	return people - active + r.int64n(active+personIDLead)
}

// randomAuction picks one of the auctions likely in flight or a few leads.
func (m *model) randomAuction(e int64, r *rng) int64 {
	hi := m.lastAuction(e)
	lo := max(hi-numInFlight, 0)
	return lo + r.int64n(hi-lo+1+auctionIDLead)
}

// channels are the 10,000 non-hot channels' URLs and the hot channels'
// URLs, built once per seed: nexmark caches them the same way. A non-hot
// URL is stored as its three random directories only (~13 bytes, all
// 10,000 fit in the L2 cache) and a flag for the channel_id parameter;
// the fixed parts and the id are printed on the fly. Names ("channel-<n>")
// are printed too.
type channels struct {
	dirData []byte
	dirOff  []int32 // channel k's directories are dirData[dirOff[k]:dirOff[k+1]]
	hasID   []bool
	hotURLs []string
}

const (
	urlPrefix = "https://www.nexmark.com/"
	urlSuffix = "item.htm?query=1"
)

// appendURL appends non-hot channel k's URL.
func (c *channels) appendURL(dst []byte, k int) []byte {
	dst = append(dst, urlPrefix...)
	dst = append(dst, c.dirData[c.dirOff[k]:c.dirOff[k+1]]...)
	dst = append(dst, urlSuffix...)
	if c.hasID[k] {
		dst = append(dst, "&channel_id="...)
		dst = strconv.AppendInt(dst, channelID(k), 10)
	}
	return dst
}

// channelID is nexmark's id of channel k: |Integer.reverse(k)| (which
// leaves Integer.MIN_VALUE negative, as Java's Math.abs does).
func channelID(k int) int64 {
	id := int32(bits.Reverse32(uint32(k)))
	if id < 0 && id != math.MinInt32 {
		id = -id
	}
	return int64(id)
}

// appendChannelName appends "channel-<k>" for 0 <= k < 100000.
func appendChannelName(dst []byte, k int) []byte {
	dst = append(dst, "channel-"...)
	var buf [5]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + k%10)
		k /= 10
		if k == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}

var (
	channelsMu     sync.Mutex
	channelsBySeed = map[uint64]*channels{}
)

func channelsFor(seed uint64) *channels {
	channelsMu.Lock()
	defer channelsMu.Unlock()
	if c, ok := channelsBySeed[seed]; ok {
		return c
	}
	c := &channels{dirOff: make([]int32, 1, channelsNumber+1), hasID: make([]bool, channelsNumber)}
	var r rng
	r.seed(seed^0xc4a77e15, -1)
	dirs := func(b []byte) []byte {
		for range 3 {
			b = r.appendString(b, 5, '_')
			b = append(b, '/')
		}
		return b
	}
	for range hotChannel {
		c.hotURLs = append(c.hotURLs, string(append(dirs([]byte(urlPrefix)), urlSuffix...)))
	}
	for i := range channelsNumber {
		c.dirData = dirs(c.dirData)
		c.dirOff = append(c.dirOff, int32(len(c.dirData)))
		c.hasID[i] = r.intn(10) > 0
	}
	channelsBySeed[seed] = c
	return c
}

// letterPool is a seeded run of random letters that 'extra' paddings are
// cut from: a copy instead of a draw per letter keeps bids cheap.
const letterPoolSize = 1 << 16

func newLetterPool(seed uint64) []byte {
	var r rng
	r.seed(seed^0x1e77e125, -2)
	p := make([]byte, letterPoolSize)
	for i := range p {
		p[i] = byte('a' + r.intn(26))
	}
	return p
}
