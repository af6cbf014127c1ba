package functions

import (
	"encoding/json"
	"testing"
)

// FuzzJSONPath checks that any path over any document either fails to
// compile or evaluates without panicking to valid JSON values.
func FuzzJSONPath(f *testing.F) {
	f.Add(`{"a": {"b": [1, {"c": "x"}]}, "d": "e\"f"}`, "$.a.b[1].c")
	f.Add(`[1, [2, 3], {"k": null}]`, "lax $[*][0]")
	f.Add(`{"a b": {"\u0041": true}}`, "strict $['a b'].A")
	f.Add(`"s"`, "$.*")
	f.Fuzz(func(t *testing.T, doc, path string) {
		p, err := compileJSONPath(path)
		if err != nil {
			return
		}
		if v, ok := jsonSelect(p, doc); ok && !json.Valid(v) {
			t.Errorf("path %q over %q selected invalid JSON %q", path, doc, v)
		}
	})
}
