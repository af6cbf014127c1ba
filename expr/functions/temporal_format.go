package functions

import (
	"fmt"
	"strings"
	"sync"
)

// Java date-time patterns ('yyyy-MM-dd HH:mm:ss.SSS', as taken by
// DATE_FORMAT, TO_TIMESTAMP, UNIX_TIMESTAMP, FROM_UNIXTIME) compiled once
// into a list of fields and literals, then formatted or parsed straight
// from wall-clock microseconds without time.Time.

// dtOp is one pattern element: a field letter repeated width times, or a
// literal when letter is 0.
type dtOp struct {
	letter byte
	width  int
	lit    string
}

// dtPattern is a compiled pattern.
type dtPattern struct {
	src  string
	ops  []dtOp
	gran int64 // see granularity
}

const dtLetters = "GyuYMLdDEaHkKhmsSQqwZXxz"

var dtCache sync.Map // pattern → *dtPattern

// compileDT compiles a Java pattern, reusing earlier compilations.
func compileDT(p string) (*dtPattern, error) {
	if c, ok := dtCache.Load(p); ok {
		return c.(*dtPattern), nil
	}
	f := &dtPattern{src: p}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			j := i + 1
			var lit strings.Builder
			for j < len(p) {
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						lit.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				lit.WriteByte(p[j])
				j++
			}
			if j == i+1 && j < len(p) { // '' is a quote
				lit.WriteByte('\'')
			}
			f.addLit(lit.String())
			i = j + 1
		case c == '[' || c == ']':
			i++ // optional sections: every field is available when formatting
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			if !strings.ContainsRune(dtLetters, rune(c)) {
				return nil, fmt.Errorf("invalid date-time pattern '%s': unknown pattern letter '%c'", p, c)
			}
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			f.ops = append(f.ops, dtOp{letter: c, width: j - i})
			i = j
		default:
			f.addLit(string(c))
			i++
		}
	}
	f.gran = f.spanOf()
	dtCache.Store(p, f)
	return f, nil
}

func (f *dtPattern) addLit(s string) {
	if n := len(f.ops); n > 0 && f.ops[n-1].letter == 0 {
		f.ops[n-1].lit += s
		return
	}
	f.ops = append(f.ops, dtOp{lit: s})
}

var (
	monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	dayNames = [...]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// appendPad appends v in decimal, zero-padded to width digits.
func appendPad(dst []byte, v int64, width int) []byte {
	switch { // the common fields, without the general loop
	case width == 2 && v >= 0 && v < 100:
		return append(dst, byte('0'+v/10), byte('0'+v%10))
	case width == 4 && v >= 0 && v < 10000:
		return append(dst, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
	}
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var buf [20]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	for len(buf)-n < width && n > 0 {
		n--
		buf[n] = '0'
	}
	return append(dst, buf[n:]...)
}

// isoDow returns 1 (Monday) .. 7 (Sunday) for days since the epoch.
func isoDow(days int64) int { return int(modFloor(days+3, 7)) + 1 }

// format appends wall-clock µs rendered with the pattern; offSec is the
// zone offset printed by Z/X/x/z.
func (f *dtPattern) format(dst []byte, wall int64, offSec int) []byte {
	days := divFloor(wall, microsPerDay)
	tod := modFloor(wall, microsPerDay)
	y, m, d := civil(days)
	hour := tod / microsPerHour
	for _, op := range f.ops {
		w := op.width
		switch op.letter {
		case 0:
			dst = append(dst, op.lit...)
		case 'y', 'u', 'Y':
			if w == 2 {
				dst = appendPad(dst, modFloor(y, 100), 2)
			} else {
				dst = appendPad(dst, y, w)
			}
		case 'M', 'L':
			switch {
			case w >= 4:
				dst = append(dst, monthNames[m-1]...)
			case w == 3:
				dst = append(dst, monthNames[m-1][:3]...)
			default:
				dst = appendPad(dst, int64(m), w)
			}
		case 'd':
			dst = appendPad(dst, int64(d), w)
		case 'D':
			dst = appendPad(dst, days-daysOf(y, 1, 1)+1, w)
		case 'E':
			name := dayNames[isoDow(days)-1]
			if w < 4 {
				name = name[:3]
			}
			dst = append(dst, name...)
		case 'a':
			if hour < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case 'H':
			dst = appendPad(dst, hour, w)
		case 'k':
			dst = appendPad(dst, (hour+23)%24+1, w)
		case 'K':
			dst = appendPad(dst, hour%12, w)
		case 'h':
			dst = appendPad(dst, (hour+11)%12+1, w)
		case 'm':
			dst = appendPad(dst, tod/microsPerMin%60, w)
		case 's':
			dst = appendPad(dst, tod/microsPerSec%60, w)
		case 'S':
			frac := appendPad(nil, tod%microsPerSec, 6)
			for len(frac) < w {
				frac = append(frac, '0')
			}
			dst = append(dst, frac[:w]...)
		case 'Q', 'q':
			dst = appendPad(dst, int64((m-1)/3+1), w)
		case 'w':
			_, wk := isoWeek(days)
			dst = appendPad(dst, int64(wk), w)
		case 'G':
			dst = append(dst, "AD"...)
		case 'Z', 'X', 'x', 'z':
			dst = appendOffset(dst, op.letter, w, offSec)
		}
	}
	return dst
}

// appendOffset renders a zone offset as Java's Z (+0800), X (+08, Z for
// zero), XXX (+08:00) and z (GMT+08:00) do.
func appendOffset(dst []byte, letter byte, w, off int) []byte {
	if letter == 'X' && off == 0 {
		return append(dst, 'Z')
	}
	if letter == 'z' {
		if off == 0 {
			return append(dst, "UTC"...)
		}
		dst = append(dst, "GMT"...)
		w = 3
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	dst = append(dst, sign)
	dst = appendPad(dst, int64(off/3600), 2)
	switch {
	case letter == 'Z' || w == 2 || w == 4:
		dst = appendPad(dst, int64(off/60%60), 2)
	case w >= 3:
		dst = append(dst, ':')
		dst = appendPad(dst, int64(off/60%60), 2)
	case off%3600 != 0:
		dst = appendPad(dst, int64(off/60%60), 2)
	}
	return dst
}

// isoWeek returns the ISO-8601 week-based year and week of days.
func isoWeek(days int64) (int64, int) {
	thursday := days - int64(isoDow(days)) + 4
	y, _, _ := civil(thursday)
	return y, int((thursday-daysOf(y, 1, 1))/7 + 1)
}

// parse reads s with the pattern into wall-clock µs; fields the pattern
// lacks default to 1970-01-01 00:00:00 as in Flink. With lenient (the
// SimpleDateFormat behaviour of UNIX_TIMESTAMP) numeric fields take a
// variable number of digits and trailing text is ignored; otherwise a
// field of width n >= 2 takes exactly n digits, as DateTimeFormatter does.
func (f *dtPattern) parse(s string, lenient bool) (int64, bool) {
	y, m, d, doy := int64(1970), 1, 1, 0
	var hour, minute, sec, frac int64
	pm := -1
	pos := 0
	for k, op := range f.ops {
		if op.letter == 0 {
			if !strings.HasPrefix(s[pos:], op.lit) {
				return 0, false
			}
			pos += len(op.lit)
			continue
		}
		nextNumeric := k+1 < len(f.ops) && f.ops[k+1].letter != 0 && strings.IndexByte("yuYdDHkKhmsSMLQ", f.ops[k+1].letter) >= 0 && f.ops[k+1].width <= 2
		switch op.letter {
		case 'M', 'L':
			if op.width >= 3 {
				n, ln := parseName(s[pos:], monthNames[:], op.width == 3)
				if n < 0 {
					return 0, false
				}
				m, pos = n+1, pos+ln
				continue
			}
		case 'E':
			_, ln := parseName(s[pos:], dayNames[:], op.width < 4)
			if ln == 0 {
				return 0, false
			}
			pos += ln
			continue
		case 'a':
			switch up := strings.ToUpper(s[pos:min(pos+2, len(s))]); up {
			case "AM":
				pm = 0
			case "PM":
				pm = 1
			default:
				return 0, false
			}
			pos += 2
			continue
		case 'G':
			if !strings.HasPrefix(s[pos:], "AD") {
				return 0, false
			}
			pos += 2
			continue
		case 'Z', 'X', 'x', 'z':
			pos = skipOffset(s, pos)
			continue
		}
		minW, maxW := op.width, op.width
		if op.width == 1 || lenient || op.letter == 'y' && op.width != 2 || op.letter == 'u' {
			minW, maxW = 1, 9
			if op.letter == 'S' {
				maxW = 9
			} else if op.letter != 'y' && op.letter != 'u' && op.letter != 'Y' && op.letter != 'D' {
				maxW = 2
			}
			if nextNumeric && op.width > 1 {
				minW, maxW = op.width, op.width
			}
		}
		v, n := scanDigits(s[pos:], maxW)
		if n < minW {
			return 0, false
		}
		pos += n
		switch op.letter {
		case 'y', 'u', 'Y':
			y = v
			if op.width == 2 && n == 2 {
				y = 2000 + v
			}
		case 'M', 'L':
			m = int(v)
		case 'd':
			d = int(v)
		case 'D':
			doy = int(v)
		case 'H', 'k':
			hour = v % 24
		case 'h', 'K':
			hour = v % 12
		case 'm':
			minute = v
		case 's':
			sec = v
		case 'S':
			for ; n < 6; n++ {
				v *= 10
			}
			for ; n > 6; n-- {
				v /= 10
			}
			frac = v
		}
	}
	if (pos != len(s) && !lenient) || m < 1 || m > 12 || d < 1 || d > monthDays(y, m) || minute > 59 || sec > 59 {
		return 0, false
	}
	if pm == 1 {
		hour += 12
	}
	days := daysOf(y, m, d)
	if doy > 0 {
		days = daysOf(y, 1, 1) + int64(doy) - 1
	}
	return days*microsPerDay + hour*microsPerHour + minute*microsPerMin + sec*microsPerSec + frac, true
}

// scanDigits reads up to max decimal digits.
func scanDigits(s string, max int) (int64, int) {
	var v int64
	n := 0
	for n < len(s) && n < max && s[n] >= '0' && s[n] <= '9' {
		v = v*10 + int64(s[n]-'0')
		n++
	}
	return v, n
}

// parseName matches one of names (or its 3-letter prefix) case-insensitively.
func parseName(s string, names []string, short bool) (int, int) {
	for i, n := range names {
		if short {
			n = n[:3]
		}
		if len(s) >= len(n) && strings.EqualFold(s[:len(n)], n) {
			return i, len(n)
		}
	}
	return -1, 0
}

// skipOffset skips a zone offset such as Z, +08, +0800 or +08:00.
func skipOffset(s string, pos int) int {
	if pos < len(s) && s[pos] == 'Z' {
		return pos + 1
	}
	if pos < len(s) && (s[pos] == '+' || s[pos] == '-') {
		pos++
		for pos < len(s) && (s[pos] >= '0' && s[pos] <= '9' || s[pos] == ':') {
			pos++
		}
	}
	return pos
}

// parseTimestampDefault reads Flink's default timestamp text:
// 'yyyy-MM-dd', optionally followed by ' ' or 'T' and 'HH:mm[:ss[.f…]]'.
func parseTimestampDefault(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	y, n := scanDigits(s, 9)
	if n < 1 || n >= len(s) || s[n] != '-' {
		return 0, false
	}
	p := n + 1
	mo, n := scanDigits(s[p:], 2)
	if n < 1 || p+n >= len(s) || s[p+n] != '-' {
		return 0, false
	}
	p += n + 1
	d, n := scanDigits(s[p:], 2)
	if n < 1 {
		return 0, false
	}
	p += n
	if mo < 1 || mo > 12 || d < 1 || d > int64(monthDays(y, int(mo))) {
		return 0, false
	}
	wall := daysOf(y, int(mo), int(d)) * microsPerDay
	if p == len(s) {
		return wall, true
	}
	if s[p] != ' ' && s[p] != 'T' {
		return 0, false
	}
	p++
	var parts [3]int64
	for k := 0; k < 3; k++ {
		v, n := scanDigits(s[p:], 2)
		if n < 1 {
			return 0, false
		}
		parts[k], p = v, p+n
		if p == len(s) || s[p] != ':' || k == 2 {
			if k == 0 {
				return 0, false
			}
			break
		}
		p++
	}
	if parts[0] > 23 || parts[1] > 59 || parts[2] > 59 {
		return 0, false
	}
	wall += parts[0]*microsPerHour + parts[1]*microsPerMin + parts[2]*microsPerSec
	if p < len(s) && s[p] == '.' {
		v, n := scanDigits(s[p+1:], 9)
		if n == 0 {
			return 0, false
		}
		p += n + 1
		for ; n < 6; n++ {
			v *= 10
		}
		for ; n > 6; n-- {
			v /= 10
		}
		wall += v
	}
	return wall, p == len(s)
}

// granularity is the span of wall-clock µs over which the pattern's text
// cannot change (see spanOf).
func (f *dtPattern) granularity() int64 { return f.gran }

// spanOf is the span of wall-clock µs over which the pattern's text
// cannot change (a minute for 'HH:mm', a day for 'yyyy-MM-dd'), or 0 when
// it prints seconds' fractions or a zone offset: rows in one span format
// alike, so a formatter may reuse the previous row's text.
func (f *dtPattern) spanOf() int64 {
	g := int64(microsPerDay)
	for _, op := range f.ops {
		switch op.letter {
		case 'S', 'Z', 'X', 'x', 'z':
			return 0
		case 's':
			g = min(g, microsPerSec)
		case 'm':
			g = min(g, microsPerMin)
		case 'H', 'k', 'K', 'h':
			g = min(g, microsPerHour)
		case 'a':
			g = min(g, 12*microsPerHour)
		}
	}
	return g
}
