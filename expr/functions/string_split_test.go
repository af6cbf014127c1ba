package functions

import "testing"

// TestSplitIndexConst runs SPLIT_INDEX with a constant delimiter and index
// (the typed loop) against the answers of the row-function path.
func TestSplitIndexConst(t *testing.T) {
	url := "https://www.nexmark.com/ivxc/kqgl/vqdr/item.htm?query=1"
	btRun(t, []btCase{
		{"SPLIT_INDEX", []btArg{btCol(tS, url, "a/b", "", nil, "/"), btLit(tS, "/"), btLit(tI, int32(3))}, []any{"ivxc", nil, nil, nil, nil}},
		{"SPLIT_INDEX", []btArg{btCol(tS, url, "a/b", "/", "a"), btLit(tS, "/"), btLit(tI, int32(0))}, []any{"https:", "a", "", "a"}},
		{"SPLIT_INDEX", []btArg{btCol(tS, "a::b::c", "a::", "::"), btLit(tS, "::"), btLit(tI, int32(1))}, []any{"b", "", ""}},
		{"SPLIT_INDEX", []btArg{btCol(tS, "a,b"), btLit(tS, ","), btLit(tI, int32(-1))}, []any{nil}},
		{"SPLIT_INDEX", []btArg{btCol(tS, "héllo wörld é"), btLit(tS, "é"), btLit(tI, int32(1))}, []any{"llo wörld "}},
	})
}

func TestSplitPiece(t *testing.T) {
	for _, tc := range []struct {
		v, d string
		i    int64
		want string
		ok   bool
	}{
		{"a/b/c", "/", 2, "c", true},
		{"a/b/c", "/", 3, "", false},
		{"a//c", "/", 1, "", true},
		{"", "/", 0, "", false},
		{"abXYcd", "XY", 1, "cd", true},
	} {
		got, ok := splitPiece(tc.v, tc.d, tc.i)
		if got != tc.want || ok != tc.ok {
			t.Errorf("splitPiece(%q, %q, %d) = %q, %v; want %q, %v", tc.v, tc.d, tc.i, got, ok, tc.want, tc.ok)
		}
	}
}
