package functions

import (
	"strings"
	"testing"

	"github.com/spry-engine/spry/types"
)

var (
	tS    = types.String
	tI    = types.Int
	tBI   = types.BigInt
	tNull = types.Null
)

func TestStringBasics(t *testing.T) {
	btRun(t, []btCase{
		{"||", []btArg{btCol(tS, "ab", nil, ""), btLit(tS, "cd")}, []any{"abcd", nil, "cd"}},
		{"CONCAT", []btArg{btCol(tS, "a", "b"), btCol(tS, "x", nil), btLit(tS, "!")}, []any{"ax!", nil}},
		{"CONCAT_WS", []btArg{btLit(tS, "~"), btCol(tS, "AA", nil), btCol(tS, nil, "BB"), btCol(tS, "", "CC")}, []any{"AA~", "BB~CC"}},
		{"CONCAT_WS", []btArg{btCol(tS, nil), btLit(tS, "a")}, []any{nil}},
		{"UPPER", []btArg{btCol(tS, "hi", nil, "héllo", "")}, []any{"HI", nil, "HÉLLO", ""}},
		{"UPPER", []btArg{btCol(tS, "abc", "Z9z")}, []any{"ABC", "Z9Z"}},
		{"LOWER", []btArg{btCol(tS, "Hi", nil)}, []any{"hi", nil}},
		{"UPPER", []btArg{btLit(tNull, nil)}, []any{nil}},
		{"INITCAP", []btArg{btCol(tS, "hello wORLD", "ab-cd 1x")}, []any{"Hello World", "Ab-Cd 1x"}},
		{"REVERSE", []btArg{btCol(tS, "abc", "hé")}, []any{"cba", "éh"}},
		{"CHAR_LENGTH", []btArg{btCol(tS, "héllo", nil, "")}, []any{int32(5), nil, int32(0)}},
		{"CHARACTER_LENGTH", []btArg{btCol(tS, "abc")}, []any{int32(3)}},
		{"TRIM", []btArg{btCol(tS, "  hi  ", nil)}, []any{"hi", nil}},
		{"TRIM", []btArg{btCol(tS, "xyhiyx"), btLit(tS, "xy")}, []any{"hi"}},
		{"LTRIM", []btArg{btCol(tS, "  hi ")}, []any{"hi "}},
		{"RTRIM", []btArg{btCol(tS, " hi  "), btLit(tS, " ")}, []any{" hi"}},
		{"BTRIM", []btArg{btCol(tS, "xxhixx"), btLit(tS, "x")}, []any{"hi"}},
	})
}

func TestStringPositions(t *testing.T) {
	btRun(t, []btCase{
		{"SUBSTRING", []btArg{btCol(tS, "Hello", "Hello", "Hello", "Hello", "Hello", "héllo", nil), btCol(tI, 2, -3, 0, 9, -9, 2, 1)},
			[]any{"ello", "llo", "Hello", "", "", "éllo", nil}},
		{"SUBSTRING", []btArg{btCol(tS, "Hello", "Hello", "Hello"), btLit(tI, int32(2)), btCol(tI, 3, 0, -1)}, []any{"ell", "", nil}},
		{"SUBSTR", []btArg{btCol(tS, "Hello"), btLit(tBI, int64(-2)), btLit(tI, int32(1))}, []any{"l"}},
		{"LEFT", []btArg{btCol(tS, "Hello", "Hello", "hé"), btCol(tI, 2, -1, 9)}, []any{"He", "", "hé"}},
		{"RIGHT", []btArg{btCol(tS, "Hello", "Hello", "hé"), btCol(tI, 2, -1, 9)}, []any{"lo", "", "hé"}},
		{"OVERLAY", []btArg{btCol(tS, "xxxxxtest"), btLit(tS, "xxxx"), btLit(tI, int32(6))}, []any{"xxxxxxxxx"}},
		{"OVERLAY", []btArg{btCol(tS, "xxxxxtest"), btLit(tS, "xxxx"), btLit(tI, int32(6)), btLit(tI, int32(2))}, []any{"xxxxxxxxxst"}},
		{"OVERLAY", []btArg{btCol(tS, "abc", "abc", "abc"), btLit(tS, "X"), btCol(tI, 0, 4, 2), btLit(tI, int32(0))}, []any{"abc", "abc", "aX"}},
		{"POSITION", []btArg{btLit(tS, "lo"), btCol(tS, "Hello", "abc", nil, "héllo")}, []any{int32(4), int32(0), nil, int32(4)}},
		{"LOCATE", []btArg{btLit(tS, "l"), btCol(tS, "Hello", "Hello", "Hello"), btCol(tI, 1, 4, 0)}, []any{int32(3), int32(4), int32(0)}},
		{"INSTR", []btArg{btCol(tS, "Hello"), btLit(tS, "lo")}, []any{int32(4)}},
		{"REPLACE", []btArg{btCol(tS, "hello world", nil), btLit(tS, "world"), btLit(tS, "flink")}, []any{"hello flink", nil}},
		{"LPAD", []btArg{btCol(tS, "hi", "hi", "hi", "hi"), btCol(tI, 4, 1, -1, 5), btCol(tS, "??", "??", "?", "")}, []any{"??hi", "h", nil, nil}},
		{"RPAD", []btArg{btCol(tS, "hi", "hi"), btCol(tI, 5, 0), btLit(tS, "ab")}, []any{"hiaba", ""}},
		{"REPEAT", []btArg{btCol(tS, "ab", "ab", nil), btCol(tI, 3, -1, 2)}, []any{"ababab", "", nil}},
		{"SPLIT_INDEX", []btArg{btCol(tS, "a,b,c", "a,b,c", "a,b,c", "a,b,c", "", "a,,b"), btLit(tS, ","), btCol(tI, 0, 2, 3, -1, 0, 1)}, []any{"a", "c", nil, nil, nil, ""}},
		{"SPLIT_INDEX", []btArg{btCol(tS, "a b  c"), btLit(tS, ""), btCol(tI, 3)}, []any{"c"}},
		{"ASCII", []btArg{btCol(tS, "abc", "", nil)}, []any{int32(97), int32(0), nil}},
		{"CHR", []btArg{btCol(tI, 97, -1, 353, nil)}, []any{"a", "", "a", nil}},
		{"INSTR", []btArg{btCol(tS, "abcabc", "abcabc", "abcabc", "abcabc", "abcabc"), btLit(tS, "b"), btCol(tI, 1, -1, 0, 3, -3), btCol(tI, 2, 1, 1, 1, 2)},
			[]any{int32(5), int32(5), int32(0), int32(5), int32(0)}},
		{"ELT", []btArg{btCol(tI, 2, 4, nil), btLit(tS, "a"), btLit(tS, "b"), btLit(tS, "c")}, []any{"b", nil, nil}},
	})
}

func TestStringCodecs(t *testing.T) {
	btRun(t, []btCase{
		{"TO_BASE64", []btArg{btCol(tS, "hello world", nil)}, []any{"aGVsbG8gd29ybGQ=", nil}},
		{"FROM_BASE64", []btArg{btCol(tS, "aGVsbG8gd29ybGQ=", "!!")}, []any{"hello world", nil}},
		{"URL_ENCODE", []btArg{btCol(tS, "a b&c=d/é*~")}, []any{"a+b%26c%3Dd%2F%C3%A9*%7E"}},
		{"URL_DECODE", []btArg{btCol(tS, "a+b%26c", "%zz")}, []any{"a b&c", nil}},
		{"ENCODE", []btArg{btCol(tS, "hi"), btLit(tS, "UTF-16BE")}, []any{[]byte{0, 'h', 0, 'i'}}},
		{"DECODE", []btArg{btCol(types.Bytes, []byte("hi")), btLit(tS, "utf-8")}, []any{"hi"}},
		{"PARSE_URL", []btArg{btLit(tS, "http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1"), btCol(tS, "HOST", "PATH", "QUERY", "REF", "PROTOCOL", "FILE", "USERINFO")},
			[]any{"facebook.com", "/path1/p.php", "k1=v1&k2=v2", "Ref1", "http", "/path1/p.php?k1=v1&k2=v2", nil}},
		{"PARSE_URL", []btArg{btLit(tS, "http://facebook.com/p.php?k1=v1&k2=v2"), btLit(tS, "QUERY"), btCol(tS, "k2", "k3")}, []any{"v2", nil}},
		{"STR_TO_MAP", []btArg{btCol(tS, "a=1,b=2,c", nil, "")}, []any{[]types.MapEntry{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}, {Key: "c", Value: nil}}, nil, []types.MapEntry{}}},
		{"STR_TO_MAP", []btArg{btCol(tS, "a:1;b:2"), btLit(tS, ";"), btLit(tS, ":")}, []any{[]types.MapEntry{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}}},
	})
	_, got, err := btEval(nil, "UUID", nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		if s := v.(string); len(s) != 36 || s[14] != '4' || strings.Count(s, "-") != 4 {
			t.Errorf("UUID() = %q", s)
		}
	}
	if got[0] == got[1] {
		t.Errorf("UUID() repeated %v", got[0])
	}
}

func TestLikeAndRegexp(t *testing.T) {
	words := []any{"flink", "FLINK", "fl", "xflinkx", "a_b", "a%b", nil, "ab\ncd", "axb"}
	btRun(t, []btCase{
		{"LIKE", []btArg{btCol(tS, words...), btLit(tS, "fl%")}, []any{true, false, true, false, false, false, nil, false, false}},
		{"LIKE", []btArg{btCol(tS, words...), btLit(tS, "%link%")}, []any{true, false, false, true, false, false, nil, false, false}},
		{"LIKE", []btArg{btCol(tS, words...), btLit(tS, "%ink")}, []any{true, false, false, false, false, false, nil, false, false}},
		{"LIKE", []btArg{btCol(tS, words...), btLit(tS, "a_b")}, []any{false, false, false, false, true, true, nil, false, true}},
		{"LIKE", []btArg{btCol(tS, words...), btLit(tS, "a!_b"), btLit(tS, "!")}, []any{false, false, false, false, true, false, nil, false, false}},
		{"LIKE", []btArg{btCol(tS, words...), btLit(tS, "ab%cd")}, []any{false, false, false, false, false, false, nil, true, false}},
		{"LIKE", []btArg{btCol(tS, words...), btLit(tS, "f%n%")}, []any{true, false, false, false, false, false, nil, false, false}},
		{"LIKE", []btArg{btCol(tS, "abc", "abc", "abc", nil), btCol(tS, "a%", "_b_", "b%", "%")}, []any{true, true, false, nil}},
		{"SIMILAR", []btArg{btCol(tS, "abc", "cab", "b"), btLit(tS, "(a|b)%")}, []any{true, false, true}},
		{"REGEXP", []btArg{btCol(tS, "flink", "flink", nil), btCol(tS, "li", "^li", "x")}, []any{true, false, nil}},
		{"REGEXP", []btArg{btCol(tS, "x", "x"), btCol(tS, "(", "")}, []any{false, false}},
		{"REGEXP_REPLACE", []btArg{btCol(tS, "foobar", "ab12", "a1b22"), btCol(tS, "oo|ar", "([a-z]+)(\\d+)", "[0-9]+"), btCol(tS, "", "$2$1", "#")}, []any{"fb", "$2$1", "a#b#"}},
		{"REGEXP_EXTRACT", []btArg{btCol(tS, "foothebar", "foothebar", "foothebar", "x"), btLit(tS, "foo(.*?)(bar)"), btCol(tI, 2, 0, 3, 1)}, []any{"bar", "foothebar", nil, nil}},
		{"REGEXP_EXTRACT", []btArg{btCol(tS, "abc123"), btLit(tS, "\\p{Digit}+")}, []any{"123"}},
		{"REGEXP_COUNT", []btArg{btCol(tS, "ababc"), btLit(tS, "ab")}, []any{int32(2)}},
	})
	btBindErr(t, "UPPER", types.Int)
	btBindErr(t, "LIKE", tS, tS, types.Int)
	btBindErr(t, "SUBSTRING", tS, tS)
	btBindErr(t, "CONCAT", tS, types.Int)
	if _, _, err := btEval(nil, "LIKE", []btArg{btCol(tS, "a"), btLit(tS, "a!"), btLit(tS, "!")}, 1); err == nil {
		t.Error("LIKE with a dangling escape bound, want an error")
	}
}

func TestASCIICaseAllBytes(t *testing.T) {
	var src []byte
	for c := 0; c < 128; c++ {
		src = append(src, byte(c))
	}
	src = append(src, src[3:]...) // misalign the second copy
	for _, up := range []bool{true, false} {
		dst := make([]byte, len(src))
		if !asciiCase(dst, src, up) {
			t.Fatal("asciiCase rejected ASCII input")
		}
		want := strings.ToLower(string(src))
		if up {
			want = strings.ToUpper(string(src))
		}
		if string(dst) != want {
			t.Errorf("asciiCase(upper=%v) = %q, want %q", up, dst, want)
		}
	}
	if asciiCase(make([]byte, 9), []byte("abcdefgh\xc3"), true) {
		t.Error("asciiCase accepted non-ASCII input")
	}
}

func TestStringExtras(t *testing.T) {
	btRun(t, []btCase{
		{"STARTSWITH", []btArg{btCol(tS, "flink", "flink", nil), btCol(tS, "fl", "", "x")}, []any{true, true, nil}},
		{"ENDSWITH", []btArg{btCol(tS, "flink", "flink"), btLit(tS, "nk")}, []any{true, true}},
		{"ENDSWITH", []btArg{btCol(types.Bytes, []byte("ab")), btLit(types.Bytes, []byte("b"))}, []any{true}},
		{"TRANSLATE", []btArg{btCol(tS, "www.apache.org", nil, "abc", "abc"), btCol(tS, "wapcheorg", "a", nil, "abc"), btCol(tS, " APCHEcom", "b", "x", nil)},
			[]any{"   .APACHE.com", nil, "abc", ""}},
		{"REGEXP_SUBSTR", []btArg{btCol(tS, "ab12cd34", "abc"), btLit(tS, "[0-9]+")}, []any{"12", nil}},
		{"REGEXP_INSTR", []btArg{btCol(tS, "ab12cd34", "abc", "é1"), btLit(tS, "[0-9]+")}, []any{int32(3), int32(0), int32(2)}},
		{"REGEXP_EXTRACT_ALL", []btArg{btCol(tS, "k1=v1;k2=v2", "x", nil), btLit(tS, `k(\d)=v(\d)`)}, []any{[]any{"1", "2"}, []any{}, nil}},
		{"REGEXP_EXTRACT_ALL", []btArg{btCol(tS, "k1=v1;k2=v2"), btLit(tS, `k(\d)=v(\d)`), btCol(tI, 0)}, []any{[]any{"k1=v1", "k2=v2"}}},
		{"REGEXP_EXTRACT_ALL", []btArg{btCol(tS, "k1=v1;k2=v2"), btLit(tS, `k(\d)=v(\d)`), btCol(tI, 3)}, []any{nil}},
	})
}
