package functions

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// String encodings: base64, character sets, URLs, key/value text and UUIDs.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "TO_BASE64", Doc: docOf("String", "TO_BASE64(string)",
			"Returns the base64 encoding of string (or of a binary value).", "TO_BASE64('hello world') → 'aGVsbG8gd29ybGQ='"),
			Bind: bindCodec("TO_BASE64", func(dst []byte, s string) ([]byte, bool) {
				return base64.StdEncoding.AppendEncode(dst, []byte(s)), true
			}, false)},
		&expr.ScalarFunction{Name: "FROM_BASE64", Doc: docOf("String", "FROM_BASE64(string)",
			"Returns the base64-decoded value of string as a string; NULL if string is not valid base64.", "FROM_BASE64('aGVsbG8gd29ybGQ=') → 'hello world'"),
			Bind: bindCodec("FROM_BASE64", func(dst []byte, s string) ([]byte, bool) {
				out, err := base64.StdEncoding.AppendDecode(dst, []byte(s))
				return out, err == nil
			}, false)},
		&expr.ScalarFunction{Name: "URL_ENCODE", Doc: docOf("String", "URL_ENCODE(string)",
			"Encodes string in application/x-www-form-urlencoded form with UTF-8, as Java's URLEncoder does.", "URL_ENCODE('a b&c') → 'a+b%26c'"),
			Bind: bindCodec("URL_ENCODE", func(dst []byte, s string) ([]byte, bool) { return urlEncode(dst, s), true }, false)},
		&expr.ScalarFunction{Name: "URL_DECODE", Doc: docOf("String", "URL_DECODE(string)",
			"Decodes an application/x-www-form-urlencoded string with UTF-8; NULL if it is malformed.", "URL_DECODE('a+b%26c') → 'a b&c'"),
			Bind: bindCodec("URL_DECODE", func(dst []byte, s string) ([]byte, bool) {
				v, err := url.QueryUnescape(s)
				return append(dst, v...), err == nil
			}, false)},
		&expr.ScalarFunction{Name: "ENCODE", Doc: docOf("String", "ENCODE(string, charset)",
			"Encodes string into bytes with charset ('US-ASCII', 'ISO-8859-1', 'UTF-8', 'UTF-16BE', 'UTF-16LE', 'UTF-16').", "ENCODE('hi', 'UTF-16BE') → x'00680069'"),
			Bind: bindCharset("ENCODE", true)},
		&expr.ScalarFunction{Name: "DECODE", Doc: docOf("String", "DECODE(binary, charset)",
			"Decodes binary into a string with charset ('US-ASCII', 'ISO-8859-1', 'UTF-8', 'UTF-16BE', 'UTF-16LE', 'UTF-16').", "DECODE(x'6869', 'UTF-8') → 'hi'"),
			Bind: bindCharset("DECODE", false)},
		&expr.ScalarFunction{Name: "PARSE_URL", Doc: docOf("String", "PARSE_URL(url, part[, key])",
			"Returns part of url: HOST, PATH, QUERY, REF, PROTOCOL, FILE, AUTHORITY or USERINFO; with key, the value of that query parameter. NULL if absent or malformed.",
			"PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'HOST') → 'facebook.com'",
			"PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'QUERY', 'k1') → 'v1'"), Bind: bindParseURL},
		&expr.ScalarFunction{Name: "STR_TO_MAP", Doc: docOf("String", "STR_TO_MAP(string[, pairDelimiter, keyValueDelimiter])",
			"Splits string into key/value pairs; both delimiters are regular expressions, ',' and '=' by default. A pair without a key/value delimiter maps its key to NULL.",
			"STR_TO_MAP('a=1,b=2') → {a=1, b=2}"), Bind: bindStrToMap},
		&expr.ScalarFunction{Name: "UUID", Doc: docOf("String", "UUID()",
			"Returns a random (type 4) UUID as a 36-character string.", "UUID() → '3d3c68f7-f608-473f-b60c-b0c44ad4cc4e'"),
			Bind: bindUUID, NonDeterministic: true},
	)
}

// bindCodec binds a STRING (or BYTES) → STRING function; a row the
// function rejects becomes NULL.
func bindCodec(name string, fn func(dst []byte, s string) ([]byte, bool), bin bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING)", args, 1, 1, func(t types.DataType) bool { return isStrArg(t) || isBinArg(t) }); err != nil {
			return types.Null, nil, err
		}
		k := strKernel(bin, func(a []arrow.Array) rowFunc {
			s := strAt(a[0])
			return func(i int, dst []byte) ([]byte, bool) { return fn(dst, s(i)) }
		})
		return types.String.WithNullable(true), k, nil
	}
}

// urlEncode matches java.net.URLEncoder: letters, digits and ".-*_" are
// kept, a space becomes '+', everything else is %XX of its UTF-8 bytes.
func urlEncode(dst []byte, s string) []byte {
	const hexUpper = "0123456789ABCDEF"
	for j := 0; j < len(s); j++ {
		c := s[j]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '*', c == '_':
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hexUpper[c>>4], hexUpper[c&15])
		}
	}
	return dst
}

// charsetCodec returns the encoder or decoder for a charset name.
func charsetCodec(name string, encode bool) func(dst []byte, s string) ([]byte, bool) {
	switch strings.ToUpper(name) {
	case "UTF-8", "UTF8":
		return func(dst []byte, s string) ([]byte, bool) {
			return append(dst, strings.ToValidUTF8(s, "\uFFFD")...), true
		}
	case "US-ASCII", "ASCII", "ISO-8859-1", "LATIN1":
		limit := rune(0x7f)
		if n := strings.ToUpper(name); n == "ISO-8859-1" || n == "LATIN1" {
			limit = 0xff
		}
		if encode {
			return func(dst []byte, s string) ([]byte, bool) {
				for _, r := range s {
					if r > limit {
						r = '?'
					}
					dst = append(dst, byte(r))
				}
				return dst, true
			}
		}
		return func(dst []byte, s string) ([]byte, bool) {
			for j := 0; j < len(s); j++ {
				if r := rune(s[j]); r > limit {
					dst = utf8.AppendRune(dst, utf8.RuneError)
				} else {
					dst = utf8.AppendRune(dst, r)
				}
			}
			return dst, true
		}
	case "UTF-16BE", "UTF-16LE", "UTF-16":
		le := strings.ToUpper(name) == "UTF-16LE"
		bom := strings.ToUpper(name) == "UTF-16"
		if encode {
			return func(dst []byte, s string) ([]byte, bool) {
				if bom {
					dst = append(dst, 0xfe, 0xff)
				}
				for _, u := range utf16.Encode([]rune(s)) {
					if le {
						dst = append(dst, byte(u), byte(u>>8))
					} else {
						dst = append(dst, byte(u>>8), byte(u))
					}
				}
				return dst, true
			}
		}
		return func(dst []byte, s string) ([]byte, bool) {
			little := le
			if bom && len(s) >= 2 {
				switch {
				case s[0] == 0xfe && s[1] == 0xff:
					s = s[2:]
				case s[0] == 0xff && s[1] == 0xfe:
					s, little = s[2:], true
				}
			}
			us := make([]uint16, 0, len(s)/2)
			for j := 0; j+1 < len(s); j += 2 {
				if little {
					us = append(us, uint16(s[j])|uint16(s[j+1])<<8)
				} else {
					us = append(us, uint16(s[j])<<8|uint16(s[j+1]))
				}
			}
			for _, r := range utf16.Decode(us) {
				dst = utf8.AppendRune(dst, r)
			}
			return dst, true
		}
	}
	return nil
}

func bindCharset(name string, encode bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		first, sig, res := isStrArg, name+"(STRING, STRING)", types.Bytes
		if !encode {
			first, sig, res = isBinArg, name+"(BYTES, STRING)", types.String
		}
		if err := checkSig(name, sig, args, 2, 2, first, isStrArg); err != nil {
			return types.Null, nil, err
		}
		if cs, ok := constStr(args[1]); ok && charsetCodec(cs, encode) == nil {
			return types.Null, nil, &expr.TypeError{Func: name, Got: []types.DataType{args[0].Type, args[1].Type},
				Expected: "a charset among US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE, UTF-16; got '" + cs + "'"}
		}
		k := strKernel(encode, func(a []arrow.Array) rowFunc {
			s, cs := strAt(a[0]), strAt(a[1])
			var lastName string
			var codec func([]byte, string) ([]byte, bool)
			return func(i int, dst []byte) ([]byte, bool) {
				if n := cs(i); codec == nil || n != lastName {
					lastName, codec = n, charsetCodec(n, encode)
					if codec == nil {
						return dst, false
					}
				}
				return codec(dst, s(i))
			}
		})
		return res.WithNullable(true), k, nil
	}
}

// parseURLPart extracts one part of u as java.net.URL names them.
func parseURLPart(u *url.URL, part string) (string, bool) {
	switch part {
	case "HOST":
		return u.Hostname(), u.Host != ""
	case "PATH":
		return u.EscapedPath(), true
	case "QUERY":
		return u.RawQuery, u.RawQuery != "" || u.ForceQuery
	case "REF":
		return u.EscapedFragment(), u.Fragment != ""
	case "PROTOCOL":
		return u.Scheme, u.Scheme != ""
	case "FILE":
		if u.RawQuery != "" {
			return u.EscapedPath() + "?" + u.RawQuery, true
		}
		return u.EscapedPath(), true
	case "AUTHORITY":
		if u.User != nil {
			return u.User.String() + "@" + u.Host, true
		}
		return u.Host, u.Host != ""
	case "USERINFO":
		if u.User == nil {
			return "", false
		}
		return u.User.String(), true
	}
	return "", false
}

// queryParam finds key in a raw query string without decoding the value,
// as Flink's regex-based lookup does.
func queryParam(q, key string) (string, bool) {
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

func bindParseURL(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("PARSE_URL", "PARSE_URL(STRING, STRING[, STRING])", args, 2, 3, isStrArg); err != nil {
		return types.Null, nil, err
	}
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		us, ps := strAt(a[0]), strAt(a[1])
		var ks func(int) string
		if len(a) == 3 {
			ks = strAt(a[2])
		}
		return func(i int, dst []byte) ([]byte, bool) {
			u, err := url.Parse(us(i))
			if err != nil {
				return dst, false
			}
			part := strings.ToUpper(ps(i))
			if ks != nil {
				if part != "QUERY" {
					return dst, false
				}
				v, ok := queryParam(u.RawQuery, ks(i))
				return append(dst, v...), ok
			}
			v, ok := parseURLPart(u, part)
			return append(dst, v...), ok
		}
	})
	return types.String.WithNullable(true), k, nil
}

// regexCache compiles patterns once when constant and remembers the last
// one otherwise, so a column of equal patterns compiles once per batch.
type regexCache struct {
	src string
	re  *regexp.Regexp
	err error
}

func (c *regexCache) get(p string) (*regexp.Regexp, error) {
	if c.re == nil && c.err == nil || c.src != p {
		c.src = p
		c.re, c.err = regexp.Compile(javaRegex(p))
	}
	return c.re, c.err
}

func bindStrToMap(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) == 2 {
		return types.Null, nil, sigErr("STR_TO_MAP", args, "STR_TO_MAP(STRING[, STRING, STRING])")
	}
	if err := checkSig("STR_TO_MAP", "STR_TO_MAP(STRING[, STRING, STRING])", args, 1, 3, isStrArg); err != nil {
		return types.Null, nil, err
	}
	t := types.MapOf(types.String, types.String).WithNullable(argsNullable(args))
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		mb := array.NewMapBuilder(memory.DefaultAllocator, arrow.BinaryTypes.String, arrow.BinaryTypes.String, false)
		defer mb.Release()
		kb, vb := mb.KeyBuilder().(*array.StringBuilder), mb.ItemBuilder().(*array.StringBuilder)
		s := strAt(a[0])
		pairD, kvD := func(int) string { return "," }, func(int) string { return "=" }
		if len(a) == 3 {
			pairD, kvD = strAt(a[1]), strAt(a[2])
		}
		var pc, kc regexCache
		valid := validBits(rows, a...)
		for i := 0; i < rows; i++ {
			if !bitutil.BitIsSet(valid, i) {
				mb.AppendNull()
				continue
			}
			pre, err1 := pc.get(pairD(i))
			kre, err2 := kc.get(kvD(i))
			if err1 != nil || err2 != nil {
				mb.AppendNull()
				continue
			}
			mb.Append(true)
			text := s(i)
			if text == "" {
				continue
			}
			for _, pair := range pre.Split(text, -1) {
				kv := kre.Split(pair, 2)
				kb.Append(kv[0])
				if len(kv) == 2 {
					vb.Append(kv[1])
				} else {
					vb.AppendNull()
				}
			}
		}
		return mb.NewArray(), nil
	}
	return t, k, nil
}

func bindUUID(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) != 0 {
		return types.Null, nil, sigErr("UUID", args, "UUID()")
	}
	k := func(_ *expr.Context, _ []arrow.Array, rows int) (arrow.Array, error) {
		raw := make([]byte, 16*rows)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		out := newStrCol(rows, 36*rows)
		for i := 0; i < rows; i++ {
			u := raw[16*i : 16*i+16]
			u[6] = u[6]&0x0f | 0x40
			u[8] = u[8]&0x3f | 0x80
			var buf [36]byte
			hex.Encode(buf[0:8], u[0:4])
			hex.Encode(buf[9:13], u[4:6])
			hex.Encode(buf[14:18], u[6:8])
			hex.Encode(buf[19:23], u[8:10])
			hex.Encode(buf[24:], u[10:])
			buf[8], buf[13], buf[18], buf[23] = '-', '-', '-', '-'
			out.data = append(out.data, buf[:]...)
			out.commit()
		}
		return out.finish(false), nil
	}
	return types.String.NotNullable(), k, nil
}
