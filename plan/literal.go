package plan

import (
	"encoding/hex"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// lit makes a literal; non-NULL literals are NOT NULL, as in Flink.
func lit(v any, t types.DataType) *expr.Literal {
	if v != nil {
		t = t.NotNullable()
	}
	return &expr.Literal{Value: v, T: t}
}

// numberLiteral types a numeric literal as Flink does: integers are INT if
// they fit, else BIGINT, else DECIMAL(n, 0); 1.5 is DECIMAL(2, 1); 1.5E3 is
// DOUBLE. neg applies a leading minus sign.
func numberLiteral(n *sql.NumberLit, neg bool) (*expr.Literal, error) {
	text := n.Text
	if neg {
		text = "-" + text
	}
	switch n.Kind {
	case sql.IntegerNumber:
		if v, err := strconv.ParseInt(text, 10, 64); err == nil {
			if v >= math.MinInt32 && v <= math.MaxInt32 {
				return lit(int32(v), types.Int), nil
			}
			return lit(v, types.BigInt), nil
		}
		digits := len(strings.TrimLeft(n.Text, "0"))
		if digits > types.MaxDecimalPrecision {
			return nil, errorf(n.Pos, ErrType, "Numeric literal '%s' out of range", text)
		}
		return decimalLiteral(text, digits, 0, n.Pos)
	case sql.DecimalNumber:
		intPart, frac, _ := strings.Cut(n.Text, ".")
		intDigits := len(strings.TrimLeft(intPart, "0"))
		scale := len(frac)
		prec := max(intDigits+scale, 1)
		if prec > types.MaxDecimalPrecision {
			return nil, errorf(n.Pos, ErrType, "Numeric literal '%s' out of range", text)
		}
		return decimalLiteral(text, prec, scale, n.Pos)
	default:
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, errorf(n.Pos, ErrType, "Numeric literal '%s' out of range", text)
		}
		return lit(v, types.Double), nil
	}
}

func decimalLiteral(text string, prec, scale int, pos sql.Pos) (*expr.Literal, error) {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return nil, errorf(pos, ErrType, "invalid numeric literal '%s'", text)
	}
	num, err := decimal128.FromString(r.FloatString(scale), int32(prec), int32(scale))
	if err != nil {
		return nil, errorf(pos, ErrType, "invalid numeric literal '%s': %v", text, err)
	}
	return lit(num, types.Decimal(prec, scale)), nil
}

// stringLiteral is CHAR(n) NOT NULL, as Flink types 'abc'.
func stringLiteral(s string) *expr.Literal {
	return lit(s, types.Char(len([]rune(s))))
}

func binaryLiteral(n *sql.BinaryLit) (*expr.Literal, error) {
	b, err := hex.DecodeString(n.Hex)
	if err != nil {
		return nil, errorf(n.Pos, ErrType, "invalid binary literal X'%s'", n.Hex)
	}
	return lit(b, types.Binary(len(b))), nil
}

// fracDigits counts the digits after the last '.' of a time value.
func fracDigits(s string) int {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return 0
	}
	return len(s) - i - 1
}

func dateTimeLiteral(n *sql.DateTimeLit, loc *time.Location) (*expr.Literal, error) {
	v := strings.TrimSpace(n.Value)
	bad := func() (*expr.Literal, error) {
		return nil, errorf(n.Pos, ErrType, "Illegal %s literal '%s'", n.Type, n.Value)
	}
	switch n.Type {
	case "DATE":
		t, err := time.Parse("2006-1-2", v)
		if err != nil {
			return bad()
		}
		return lit(int32(t.Unix()/86400), types.Date), nil
	case "TIME":
		t, err := time.Parse("15:04:05.999999999", v)
		if err != nil {
			if t, err = time.Parse("15:04", v); err != nil {
				return bad()
			}
		}
		ms := int32(t.Hour()*3600000 + t.Minute()*60000 + t.Second()*1000 + t.Nanosecond()/1e6)
		return lit(ms, types.Time(min(fracDigits(v), 9))), nil
	default: // TIMESTAMP, TIMESTAMP_LTZ
		in := time.UTC
		kind := types.Timestamp(0)
		if n.Type != "TIMESTAMP" {
			in, kind = loc, types.TimestampLTZp(0)
		}
		v = strings.Replace(v, "T", " ", 1)
		var t time.Time
		var err error
		for _, layout := range []string{"2006-1-2 15:04:05.999999999", "2006-1-2 15:04", "2006-1-2"} {
			if t, err = time.ParseInLocation(layout, v, in); err == nil {
				break
			}
		}
		if err != nil {
			return bad()
		}
		p := 0
		if strings.Contains(v, ":") {
			p = min(fracDigits(v), 9)
		}
		kind.Prec = p
		return lit(t.UnixMicro(), kind), nil
	}
}

// intervalLiteral converts INTERVAL 'v' unit [TO unit] to months (YEAR TO
// MONTH) or milliseconds (DAY TO SECOND).
func intervalLiteral(n *sql.IntervalLit) (*expr.Literal, error) {
	s := strings.TrimSpace(n.Value)
	neg := n.Negative
	if strings.HasPrefix(s, "-") {
		neg, s = !neg, s[1:]
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	bad := func() (*expr.Literal, error) {
		return nil, errorf(n.Pos, ErrType, "Illegal interval literal format '%s' for INTERVAL %s%s", n.Value, n.From, toSuffix(n.To))
	}
	sign := int64(1)
	if neg {
		sign = -1
	}
	to := n.To
	if to == "" {
		to = n.From
	}
	if n.From == "YEAR" || n.From == "MONTH" || n.From == "QUARTER" {
		fields := strings.Split(s, "-")
		var months int64
		switch {
		case n.From == "YEAR" && to == "MONTH" && len(fields) == 2:
			y, e1 := strconv.ParseInt(fields[0], 10, 64)
			m, e2 := strconv.ParseInt(fields[1], 10, 64)
			if e1 != nil || e2 != nil {
				return bad()
			}
			months = y*12 + m
		case len(fields) == 1:
			v, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				return bad()
			}
			months = v * map[sql.TimeUnit]int64{"YEAR": 12, "QUARTER": 3, "MONTH": 1}[n.From]
		default:
			return bad()
		}
		return lit(int32(sign*months), types.IntervalYM), nil
	}
	unitMs := map[sql.TimeUnit]int64{"WEEK": 7 * 86400000, "DAY": 86400000, "HOUR": 3600000, "MINUTE": 60000, "SECOND": 1000}
	order := []sql.TimeUnit{"WEEK", "DAY", "HOUR", "MINUTE", "SECOND"}
	var units []sql.TimeUnit
	in := false
	for _, u := range order {
		if u == n.From {
			in = true
		}
		if in {
			units = append(units, u)
		}
		if u == to {
			break
		}
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ':' })
	if len(units) == 0 || len(fields) != len(units) {
		return bad()
	}
	var ms int64
	for i, f := range fields {
		u := units[i]
		if u == "SECOND" {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return bad()
			}
			ms += int64(math.Round(v * 1000))
			continue
		}
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return bad()
		}
		ms += v * unitMs[u]
	}
	return lit(sign*ms, types.IntervalDT), nil
}

func toSuffix(u sql.TimeUnit) string {
	if u == "" {
		return ""
	}
	return " TO " + string(u)
}
