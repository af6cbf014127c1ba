package types

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Format renders a Go value of type t as Flink's CAST(x AS STRING) does; it
// is what the print connector, tableau results and CSV writers show.
// TIMESTAMP_LTZ values are shown in loc (the session time zone). NULL is
// rendered as nullText.
func Format(v any, t DataType, loc *time.Location, nullText string) string {
	var b strings.Builder
	formatTo(&b, v, t, loc, nullText)
	return b.String()
}

func formatTo(b *strings.Builder, v any, t DataType, loc *time.Location, nullText string) {
	if v == nil {
		b.WriteString(nullText)
		return
	}
	switch t.Kind {
	case KindBoolean:
		if v.(bool) {
			b.WriteString("TRUE")
		} else {
			b.WriteString("FALSE")
		}
	case KindTinyInt:
		b.WriteString(strconv.FormatInt(int64(v.(int8)), 10))
	case KindSmallInt:
		b.WriteString(strconv.FormatInt(int64(v.(int16)), 10))
	case KindInt:
		b.WriteString(strconv.FormatInt(int64(v.(int32)), 10))
	case KindBigInt:
		b.WriteString(strconv.FormatInt(v.(int64), 10))
	case KindFloat:
		b.WriteString(FormatJavaDouble(float64(v.(float32)), 32))
	case KindDouble:
		b.WriteString(FormatJavaDouble(v.(float64), 64))
	case KindDecimal:
		b.WriteString(FormatDecimal(v.(decimal128.Num), t.Scale))
	case KindChar, KindVarChar:
		b.WriteString(v.(string))
	case KindBinary, KindVarBinary:
		b.WriteString("x'")
		b.WriteString(hex.EncodeToString(v.([]byte)))
		b.WriteString("'")
	case KindDate:
		b.WriteString(FormatDate(v.(int32)))
	case KindTime:
		b.WriteString(FormatTime(v.(int32), t.Prec))
	case KindTimestamp:
		b.WriteString(FormatTimestamp(v.(int64), t.Prec, time.UTC))
	case KindTimestampLTZ:
		if loc == nil {
			loc = time.UTC
		}
		b.WriteString(FormatTimestamp(v.(int64), t.Prec, loc))
	case KindIntervalYearMonth:
		m := v.(int32)
		sign := "+"
		if m < 0 {
			sign, m = "-", -m
		}
		fmt.Fprintf(b, "%s%d-%02d", sign, m/12, m%12)
	case KindIntervalDayTime:
		ms := v.(int64)
		sign := "+"
		if ms < 0 {
			sign, ms = "-", -ms
		}
		fmt.Fprintf(b, "%s%d %02d:%02d:%02d.%03d", sign, ms/86400000, ms/3600000%24, ms/60000%60, ms/1000%60, ms%1000)
	case KindArray:
		b.WriteByte('[')
		for i, e := range v.([]any) {
			if i > 0 {
				b.WriteString(", ")
			}
			formatTo(b, e, *t.Elem, loc, "NULL")
		}
		b.WriteByte(']')
	case KindMultiset, KindMap:
		vt := t.Value
		if t.Kind == KindMultiset {
			vt = &Int
		}
		b.WriteByte('{')
		for i, e := range v.([]MapEntry) {
			if i > 0 {
				b.WriteString(", ")
			}
			formatTo(b, e.Key, *t.Elem, loc, "NULL")
			b.WriteByte('=')
			formatTo(b, e.Value, *vt, loc, "NULL")
		}
		b.WriteByte('}')
	case KindRow:
		b.WriteByte('(')
		for i, e := range v.([]any) {
			if i > 0 {
				b.WriteString(", ")
			}
			formatTo(b, e, t.Fields[i].Type, loc, "NULL")
		}
		b.WriteByte(')')
	default:
		fmt.Fprint(b, v)
	}
}

// FormatJavaDouble formats f as Java's Double.toString (bits 64) or
// Float.toString (bits 32): shortest digits, plain notation for magnitudes
// in [1e-3, 1e7), otherwise d.dddE±n; always at least one fractional digit.
func FormatJavaDouble(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, bits) // e.g. 1.5E+07
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// FormatDecimal prints an unscaled decimal with scale digits after the point.
func FormatDecimal(n decimal128.Num, scale int) string {
	neg := n.Sign() < 0
	if neg {
		n = n.Negate()
	}
	digits := n.BigInt().String()
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

var epochDay = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// FormatDate prints days since the epoch as yyyy-MM-dd.
func FormatDate(days int32) string {
	return epochDay.AddDate(0, 0, int(days)).Format("2006-01-02")
}

// FormatTime prints milliseconds of the day as HH:mm:ss with prec
// fractional digits (at most 3, as Flink keeps milliseconds).
func FormatTime(ms int32, prec int) string {
	s := fmt.Sprintf("%02d:%02d:%02d", ms/3600000, ms/60000%60, ms/1000%60)
	if prec > 0 {
		frac := fmt.Sprintf("%03d", ms%1000)
		if prec < 3 {
			frac = frac[:prec]
		}
		s += "." + frac
	}
	return s
}

// FormatTimestamp prints microseconds since the epoch as
// yyyy-MM-dd HH:mm:ss[.fff...] with exactly prec fractional digits, in loc.
func FormatTimestamp(us int64, prec int, loc *time.Location) string {
	t := time.UnixMicro(us).In(loc)
	s := t.Format("2006-01-02 15:04:05")
	if prec > 0 {
		frac := fmt.Sprintf("%06d", t.Nanosecond()/1000)
		if prec <= 6 {
			frac = frac[:prec]
		} else {
			frac += strings.Repeat("0", prec-6)
		}
		s += "." + frac
	}
	return s
}
