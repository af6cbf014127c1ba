package format

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

var pow10 = func() (p [39]decimal128.Num) {
	p[0] = decimal128.FromU64(1)
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1].Mul(decimal128.FromU64(10))
	}
	return
}()

// ParseDecimal parses a decimal number as java.math.BigDecimal does
// ("-1.50", "2e3", ".5") and rescales it to DECIMAL(prec, scale) rounding
// half up, as Flink's DecimalData.fromBigDecimal. ok is false when the
// value does not fit the precision: Flink then yields NULL.
func ParseDecimal(s []byte, prec, scale int) (n decimal128.Num, ok bool, err error) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	// Collect significant digits; dropped digits beyond what can matter
	// only feed rounding.
	var buf [80]byte
	dig := buf[:0]
	fracDigits := 0
	seenDigit, seenDot := false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
			if len(dig) == 0 && c == '0' {
				if seenDot {
					fracDigits++
				}
				continue
			}
			if len(dig) == cap(buf) {
				return n, false, syntaxErr("DECIMAL", s) // absurdly long
			}
			dig = append(dig, c)
			if seenDot {
				fracDigits++
			}
			continue
		case c == '.' && !seenDot:
			seenDot = true
			continue
		}
		break
	}
	if !seenDigit {
		return n, false, syntaxErr("DECIMAL", s)
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		e, err := strconv.Atoi(string(s[i+1:]))
		if err != nil || e > 1000 || e < -1000 {
			return n, false, syntaxErr("DECIMAL", s)
		}
		exp, i = e, len(s)
	}
	if i != len(s) {
		return n, false, syntaxErr("DECIMAL", s)
	}
	// value = digits * 10^(exp - fracDigits); want unscaled at scale.
	shift := exp - fracDigits + scale // power of ten to apply to digits
	roundUp := false
	if shift < 0 {
		drop := -shift
		if drop > len(dig) {
			dig = dig[:0]
		} else {
			roundUp = dig[len(dig)-drop] >= '5'
			dig = dig[:len(dig)-drop]
		}
		shift = 0
	}
	if len(dig)+shift > prec || len(dig)+shift > 38 {
		if len(dig) > 0 {
			return n, false, nil
		}
	}
	for _, c := range dig {
		n = n.Mul(pow10[1]).Add(decimal128.FromU64(uint64(c - '0')))
	}
	if len(dig) > 0 {
		n = n.Mul(pow10[shift])
	}
	if roundUp {
		n = n.Add(decimal128.FromU64(1))
		if n.Cmp(pow10[prec]) >= 0 {
			return decimal128.Num{}, false, nil
		}
	}
	if neg {
		n = n.Negate()
	}
	return n, true, nil
}

// AppendDecimal appends an unscaled decimal with the given scale as
// Flink's JSON and CSV formats write it: Jackson strips trailing zeros
// (10.00 → 1E+1, 12.30 → 12.3) and then prints Java's BigDecimal.toString
// (plain false) or toPlainString (plain true, 10.00 → 10).
func AppendDecimal(dst []byte, n decimal128.Num, scale int, plain bool) []byte {
	if n.Sign() == 0 {
		return append(dst, '0')
	}
	if n.Sign() < 0 {
		dst = append(dst, '-')
		n = n.Negate()
	}
	var digs []byte
	if n.HighBits() == 0 {
		var b [20]byte
		digs = strconv.AppendUint(b[:0], n.LowBits(), 10)
	} else {
		digs = []byte(n.BigInt().String())
	}
	for len(digs) > 1 && digs[len(digs)-1] == '0' {
		digs = digs[:len(digs)-1]
		scale--
	}
	adjusted := len(digs) - 1 - scale
	if plain || (scale >= 0 && adjusted >= -6) {
		switch {
		case scale <= 0:
			dst = append(dst, digs...)
			for ; scale < 0; scale++ {
				dst = append(dst, '0')
			}
			return dst
		case len(digs) <= scale:
			dst = append(dst, '0', '.')
			for k := len(digs); k < scale; k++ {
				dst = append(dst, '0')
			}
			return append(dst, digs...)
		}
		dst = append(dst, digs[:len(digs)-scale]...)
		return append(append(dst, '.'), digs[len(digs)-scale:]...)
	}
	dst = append(dst, digs[0])
	if len(digs) > 1 {
		dst = append(append(dst, '.'), digs[1:]...)
	}
	dst = append(dst, 'E')
	if adjusted > 0 {
		dst = append(dst, '+')
	}
	return strconv.AppendInt(dst, int64(adjusted), 10)
}
