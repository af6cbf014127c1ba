package functions

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/types"
)

func TestJSONQueries(t *testing.T) {
	doc := `{"a": {"b": "x", "n": 1.0, "i": 10, "t": true, "z": null}, "arr": [{"c": "c1"}, {"c": "c2"}], "k.y": 5, "s": "q\"uote"}`
	jv := func(path string, want any) btCase {
		return btCase{"JSON_VALUE", []btArg{btCol(tS, doc), btLit(tS, path)}, []any{want}}
	}
	jq := func(path, wrap string, want any) btCase {
		args := []btArg{btCol(tS, doc), btLit(tS, path)}
		if wrap != "" {
			args = append(args, btLit(tS, wrap))
		}
		return btCase{"JSON_QUERY", args, []any{want}}
	}
	btRun(t, []btCase{
		jv("$.a.b", "x"),
		jv("lax $.a.n", "1.0"),
		jv("$.a.i", "10"),
		jv("$.a.t", "true"),
		jv("$.a.z", nil),
		jv("$.a", nil),
		jv("$.missing", nil),
		jv("strict $.missing", nil),
		jv("$.arr[1].c", "c2"),
		jv("$['k.y']", "5"),
		jv("$.s", `q"uote`),
		jv("$.arr[*].c", nil),
		{"JSON_VALUE", []btArg{btCol(tS, "not json", nil, `[1,2]`), btCol(tS, "$", "$", "$[1]")}, []any{nil, nil, "2"}},
		jq("$.a", "", `{"b":"x","n":1.0,"i":10,"t":true,"z":null}`),
		jq("$.arr[*].c", "", `["c1","c2"]`),
		jq("$.a.b", "", nil),
		jq("$.a.b", "CONDITIONAL", `["x"]`),
		jq("$.arr", "CONDITIONAL", `[{"c":"c1"},{"c":"c2"}]`),
		jq("$.arr[0]", "UNCONDITIONAL", `[{"c":"c1"}]`),
		jq("$.nope", "CONDITIONAL", nil),
		{"JSON_EXISTS", []btArg{btCol(tS, `{"a": true}`, `{"a": true}`, `{"a": [{"b": 1}]}`, "bad", nil), btCol(tS, "$.a", "$.b", "$.a[0].b", "$", "$")},
			[]any{true, false, true, false, nil}},
		{"IS_JSON", []btArg{btCol(tS, "1", "[]", "{}", `"abc"`, "abc", nil)}, []any{true, true, true, true, false, false}},
		{"IS_JSON", []btArg{btCol(tS, "1", "[]", "{}"), btLit(tS, "OBJECT")}, []any{false, false, true}},
		{"IS_JSON", []btArg{btCol(tS, "1", "[]", "{}"), btLit(tS, "SCALAR")}, []any{true, false, false}},
	})
	if _, _, err := btEval(nil, "JSON_VALUE", []btArg{btCol(tS, "{}"), btLit(tS, "a.b")}, 1); err == nil {
		t.Error("JSON_VALUE with a path not starting with $ bound, want an error")
	}
}

func TestJSONConstructors(t *testing.T) {
	btRun(t, []btCase{
		{"JSON_OBJECT", []btArg{btLit(tS, "NULL"), btLit(tS, "K1"), btCol(tS, "V1", nil), btLit(tS, "K2"), btCol(tI, 1, 2)},
			[]any{`{"K1":"V1","K2":1}`, `{"K1":null,"K2":2}`}},
		{"JSON_OBJECT", []btArg{btLit(tS, "ABSENT"), btLit(tS, "K1"), btCol(tS, "V1", nil), btLit(tS, "K2"), btCol(types.Double, 1.5, 1e10)},
			[]any{`{"K1":"V1","K2":1.5}`, `{"K2":1.0E10}`}},
		{"JSON_OBJECT", []btArg{btLit(tS, "NULL"), btLit(tS, "K"), {T: tS, JSON: true, Vals: []any{`{"A":1}`}}}, []any{`{"K":{"A":1}}`}},
		{"JSON_OBJECT", []btArg{btLit(tS, "NULL")}, []any{`{}`}},
		{"JSON_ARRAY", []btArg{btLit(tS, "ABSENT"), btCol(tI, 1, nil), btCol(tS, "two\n", "x"), btLit(types.Null, nil)}, []any{`[1,"two\n"]`, `["x"]`}},
		{"JSON_ARRAY", []btArg{btLit(tS, "NULL"), btCol(types.Boolean, true), btLit(types.Null, nil)}, []any{`[true,null]`}},
		{"JSON_ARRAY", []btArg{btLit(tS, "NULL"), btCol(types.Decimal(5, 2), decimal128.FromI64(-150))}, []any{`[-1.50]`}},
		{"JSON_STRING", []btArg{btCol(tI, 1, nil)}, []any{"1", nil}},
		{"JSON_STRING", []btArg{btCol(tS, "Hello, World!")}, []any{`"Hello, World!"`}},
		{"JSON_STRING", []btArg{btCol(types.ArrayOf(tI), []any{int32(1), nil})}, []any{`[1,null]`}},
		{"JSON_STRING", []btArg{btCol(types.RowOf(types.Field{Name: "a", Type: tI}, types.Field{Name: "b", Type: tS}), []any{int32(1), "x"})}, []any{`{"a":1,"b":"x"}`}},
		{"JSON_STRING", []btArg{btCol(tDate, btDate("2024-03-05"))}, []any{`"2024-03-05"`}},
	})
	btBindErr(t, "JSON_OBJECT", tS, tS)
	if !IsJSONProducer("json_object") || IsJSONProducer("UPPER") {
		t.Error("IsJSONProducer")
	}
}

func TestJSONQuote(t *testing.T) {
	btRun(t, []btCase{
		{"JSON_QUOTE", []btArg{btCol(tS, "Hello, World!", `a/b"c\`+"\n", "é", nil)}, []any{`"Hello, World!"`, `"a\/b\"c\\\n"`, `"\u00e9"`, nil}},
		{"JSON_UNQUOTE", []btArg{btCol(tS, `"Hello\nWorld"`, "abc", `"bad`, `"\u00e9"`, nil)}, []any{"Hello\nWorld", "abc", `"bad`, "é", nil}},
	})
}
