package functions

import (
	"errors"
	"testing"
)

func TestJSONBehaviors(t *testing.T) {
	null := btLit(tS, nil)
	// jv is JSON_VALUE(doc, path, onEmpty, 'E', onError, 'R').
	jv := func(doc, path, onEmpty, onError string, want any) btCase {
		return btCase{"JSON_VALUE", []btArg{btCol(tS, doc), btLit(tS, path),
			btLit(tS, onEmpty), btLit(tS, "E"), btLit(tS, onError), btLit(tS, "R")}, []any{want}}
	}
	jq := func(doc, path, wrap, onEmpty, onError string, want any) btCase {
		return btCase{"JSON_QUERY", []btArg{btCol(tS, doc), btLit(tS, path), btLit(tS, wrap),
			btLit(tS, onEmpty), btLit(tS, onError)}, []any{want}}
	}
	je := func(doc, path, onError string, want any) btCase {
		return btCase{"JSON_EXISTS", []btArg{btCol(tS, doc), btLit(tS, path), btLit(tS, onError)}, []any{want}}
	}
	btRun(t, []btCase{
		// A path without mode is strict: a missing key is an error.
		jv(`{}`, "$.x", "DEFAULT", "DEFAULT", "R"),
		jv(`{}`, "lax $.x", "DEFAULT", "DEFAULT", "E"),
		jv(`{"x": null}`, "lax $.x", "DEFAULT", "DEFAULT", "E"),
		jv(`{"x": null}`, "strict $.x", "DEFAULT", "DEFAULT", "R"),
		jv(`{"x": [1]}`, "$.x", "DEFAULT", "DEFAULT", "R"),
		jv(`{"x": [1]}`, "lax $.x", "DEFAULT", "DEFAULT", "E"),
		jv(`bad`, "lax $.x", "DEFAULT", "DEFAULT", "E"),
		jv(`bad`, "$.x", "DEFAULT", "NULL", nil),
		jv(`{"x": 1}`, "$.x", "ERROR", "ERROR", "1"),
		// A NULL document is NULL whatever the behaviours.
		{"JSON_VALUE", []btArg{btCol(tS, nil), btLit(tS, "$.x"), btLit(tS, "DEFAULT"), btLit(tS, "E"), btLit(tS, "DEFAULT"), btLit(tS, "R")}, []any{nil}},
		// A NULL default gives NULL.
		{"JSON_VALUE", []btArg{btCol(tS, `{}`), btLit(tS, "lax $.x"), btLit(tS, "DEFAULT"), null, btLit(tS, "NULL"), null}, []any{nil}},
		// Defaults may be columns.
		{"JSON_VALUE", []btArg{btCol(tS, `{}`, `{"x": 2}`), btLit(tS, "lax $.x"), btLit(tS, "DEFAULT"), btCol(tS, "d1", "d2"), btLit(tS, "NULL"), null}, []any{"d1", "2"}},
		jq(`{"a": 1}`, "$.b", "WITHOUT", "EMPTY ARRAY", "EMPTY OBJECT", "{}"),
		jq(`{"a": 1}`, "lax $.b", "WITHOUT", "EMPTY ARRAY", "EMPTY OBJECT", "[]"),
		jq(`{"a": 1}`, "lax $.a", "WITHOUT", "EMPTY OBJECT", "NULL", "{}"),
		jq(`{"a": 1}`, "$.a", "WITHOUT", "NULL", "EMPTY ARRAY", "[]"),
		jq(`{"a": 1}`, "$.a", "UNCONDITIONAL", "NULL", "NULL", "[1]"),
		jq(`{"a": {"b": 1}}`, "$.a", "CONDITIONAL", "NULL", "NULL", `[{"b":1}]`),
		jq(`{"a": [1]}`, "$.a", "CONDITIONAL", "NULL", "NULL", `[1]`),
		je(`{"a": 1}`, "$.b", "TRUE", true),
		je(`{"a": 1}`, "lax $.b", "TRUE", false),
		je(`bad`, "$", "UNKNOWN", nil),
		je(`{"a": null}`, "$.a", "TRUE", true),
		je(`{"a": null}`, "lax $.a", "TRUE", false),
		je(`{"a": 0}`, "$.a", "ERROR", true),
	})
	errCases := []struct {
		name string
		args []btArg
	}{
		{"JSON_VALUE", []btArg{btCol(tS, `{}`), btLit(tS, "lax $.x"), btLit(tS, "ERROR"), null, btLit(tS, "NULL"), null}},
		{"JSON_VALUE", []btArg{btCol(tS, `{"x": {}}`), btLit(tS, "$.x"), btLit(tS, "NULL"), null, btLit(tS, "ERROR"), null}},
		{"JSON_QUERY", []btArg{btCol(tS, `{}`), btLit(tS, "lax $.x"), btLit(tS, "WITHOUT"), btLit(tS, "ERROR"), btLit(tS, "NULL")}},
		{"JSON_QUERY", []btArg{btCol(tS, `{"x": 1}`), btLit(tS, "$.x"), btLit(tS, "WITHOUT"), btLit(tS, "NULL"), btLit(tS, "ERROR")}},
		{"JSON_EXISTS", []btArg{btCol(tS, `{}`), btLit(tS, "$.x"), btLit(tS, "ERROR")}},
	}
	for _, c := range errCases {
		_, _, err := btEval(nil, c.name, c.args, 1)
		var je *JSONError
		if !errors.As(err, &je) {
			t.Errorf("%s%v: got error %v, want a *JSONError", c.name, c.args, err)
		}
	}
	// Behaviours must be known constants.
	btBindErr(t, "JSON_EXISTS", tS, tS, tS)
	if _, _, err := btEval(nil, "JSON_QUERY", []btArg{btCol(tS, `{}`), btLit(tS, "$"), btLit(tS, "WITHOUT"), btLit(tS, "EMPTY"), btLit(tS, "NULL")}, 1); err == nil {
		t.Error("JSON_QUERY with ON EMPTY 'EMPTY' bound, want an error")
	}
	if typ, _, err := btEval(nil, "JSON_EXISTS", []btArg{btCol(tS, `{}`), btLit(tS, "$"), btLit(tS, "UNKNOWN")}, 1); err != nil || !typ.Nullable() {
		t.Errorf("JSON_EXISTS ... UNKNOWN ON ERROR: type %v, err %v; want a nullable BOOLEAN", typ, err)
	}
}
