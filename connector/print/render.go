package print

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// FormatRow renders a row as Flink's print sink does: the row kind and
// the values as Java's toString of their external classes,
// "+I[a, 1, null, 2020-12-30T12:13:14.123]". Values are Go values as
// types.Value returns them.
func FormatRow(k types.RowKind, row []any, s *types.Schema) string {
	var b strings.Builder
	writeRow(&b, k, row, s.Fields)
	return b.String()
}

func writeRow(b *strings.Builder, k types.RowKind, row []any, fs []types.Field) {
	b.WriteString(k.String())
	b.WriteByte('[')
	for i, v := range row {
		if i > 0 {
			b.WriteString(", ")
		}
		writeValue(b, v, fs[i].Type)
	}
	b.WriteByte(']')
}

// writeValue writes v as Java prints Flink's default external class for
// type t (LocalDateTime, Instant, BigDecimal, byte[], Integer[], Map, Row).
func writeValue(b *strings.Builder, v any, t types.DataType) {
	if v == nil {
		b.WriteString("null")
		return
	}
	var buf [64]byte
	switch t.Kind {
	case types.KindBoolean:
		b.WriteString(strconv.FormatBool(v.(bool)))
	case types.KindDecimal:
		b.WriteString(javaBigDecimal(v.(decimal128.Num), t.Scale))
	case types.KindBinary, types.KindVarBinary:
		b.WriteByte('[') // Arrays.toString(byte[]): signed bytes
		for i, c := range v.([]byte) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(int(int8(c))))
		}
		b.WriteByte(']')
	case types.KindDate:
		b.Write(format.AppendDate(buf[:0], v.(int32)))
	case types.KindTime:
		b.Write(appendLocalTime(buf[:0], int64(v.(int32))*1e6))
	case types.KindTimestamp:
		us := v.(int64)
		days, rem := floorDiv(us, 86400e6)
		out := append(format.AppendDate(buf[:0], int32(days)), 'T')
		b.Write(appendLocalTime(out, rem*1000))
	case types.KindTimestampLTZ: // Instant.toString: always seconds
		us := v.(int64)
		days, rem := floorDiv(us, 86400e6)
		out := append(format.AppendDate(buf[:0], int32(days)), 'T')
		out = appendHMS(out, rem/1e6)
		b.Write(append(appendNanos(out, rem%1e6*1000), 'Z'))
	case types.KindIntervalYearMonth:
		b.WriteString(javaPeriod(v.(int32)))
	case types.KindIntervalDayTime:
		b.WriteString(javaDuration(v.(int64)))
	case types.KindArray:
		b.WriteByte('[')
		for i, e := range v.([]any) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, e, *t.Elem)
		}
		b.WriteByte(']')
	case types.KindMap, types.KindMultiset:
		vt := types.Int
		if t.Kind == types.KindMap {
			vt = *t.Value
		}
		b.WriteByte('{')
		for i, e := range v.([]types.MapEntry) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, e.Key, *t.Elem)
			b.WriteByte('=')
			writeValue(b, e.Value, vt)
		}
		b.WriteByte('}')
	case types.KindRow:
		writeRow(b, types.Insert, v.([]any), t.Fields)
	default: // numbers and strings print as Flink's Format shows them
		b.WriteString(types.Format(v, t, nil, "null"))
	}
}

func floorDiv(a, n int64) (int64, int64) {
	q, r := a/n, a%n
	if r < 0 {
		q--
		r += n
	}
	return q, r
}

func appendHMS(dst []byte, secs int64) []byte {
	dst = append(dst, byte('0'+secs/36000), byte('0'+secs/3600%10), ':')
	m := secs / 60 % 60
	dst = append(dst, byte('0'+m/10), byte('0'+m%10), ':')
	s := secs % 60
	return append(dst, byte('0'+s/10), byte('0'+s%10))
}

// appendNanos writes a fraction in groups of three digits, as
// java.time's toString methods do.
func appendNanos(dst []byte, nanos int64) []byte {
	if nanos == 0 {
		return dst
	}
	s := strconv.FormatInt(nanos+1e9, 10)[1:] // 9 digits
	switch {
	case nanos%1e6 == 0:
		s = s[:3]
	case nanos%1e3 == 0:
		s = s[:6]
	}
	return append(append(dst, '.'), s...)
}

// appendLocalTime is LocalTime.toString: HH:mm, seconds only when set.
func appendLocalTime(dst []byte, nanosOfDay int64) []byte {
	secs, nanos := nanosOfDay/1e9, nanosOfDay%1e9
	out := appendHMS(dst, secs)
	if secs%60 == 0 && nanos == 0 {
		return out[:len(out)-3]
	}
	return appendNanos(out, nanos)
}

// javaBigDecimal is BigDecimal.toString for an unscaled value and scale.
func javaBigDecimal(n decimal128.Num, scale int) string {
	s := types.FormatDecimal(n, scale)
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimLeft(strings.ReplaceAll(strings.TrimPrefix(s, "-"), ".", ""), "0")
	if digits == "" {
		return s
	}
	adjusted := len(digits) - 1 - scale
	if adjusted >= -6 {
		return s
	}
	out := digits[:1]
	if len(digits) > 1 {
		out += "." + digits[1:]
	}
	out += "E" + strconv.Itoa(adjusted)
	if neg {
		out = "-" + out
	}
	return out
}

// javaPeriod is Period.toString of a number of months.
func javaPeriod(m int32) string {
	if m == 0 {
		return "P0D"
	}
	s := "P"
	if y := m / 12; y != 0 {
		s += strconv.Itoa(int(y)) + "Y"
	}
	if mo := m % 12; mo != 0 {
		s += strconv.Itoa(int(mo)) + "M"
	}
	return s
}

// javaDuration is Duration.toString of a number of milliseconds.
func javaDuration(ms int64) string {
	if ms == 0 {
		return "PT0S"
	}
	s := "PT"
	h, m := ms/3600000, ms/60000%60
	if h != 0 {
		s += strconv.FormatInt(h, 10) + "H"
	}
	if m != 0 {
		s += strconv.FormatInt(m, 10) + "M"
	}
	secMs := ms % 60000
	if secMs == 0 {
		return s
	}
	sec := secMs / 1000
	frac := secMs % 1000
	if frac < 0 {
		frac = -frac
	}
	if secMs < 0 && sec == 0 {
		s += "-"
	}
	s += strconv.FormatInt(sec, 10)
	if frac != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(frac+1000, 10)[1:], "0")
	}
	return s + "S"
}
