package functions

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// TestDateFormatReusesSpans checks DATE_FORMAT over rows in and out of
// time order, across minute, day and epoch boundaries, against formatting
// every row on its own.
func TestDateFormatReusesSpans(t *testing.T) {
	base := btTS("2024-03-05 23:59:58")
	steps := []int64{0, 500_000, 1_000_000, 2_000_000, -3_000_000, 61_000_000, 86_400_000_000, 2_000_000}
	epoch := btTS("1970-01-01 00:00:00")
	bld := array.NewTimestampBuilder(memory.DefaultAllocator, &arrow.TimestampType{Unit: arrow.Microsecond})
	var walls []int64
	for _, s := range steps {
		walls = append(walls, base+s)
	}
	walls = append(walls, epoch-1, epoch, epoch-60_000_001, epoch-1)
	for _, w := range walls {
		bld.Append(arrow.Timestamp(w))
	}
	bld.AppendNull()
	col := bld.NewArray()
	for _, pat := range []string{"yyyy-MM-dd", "HH:mm", "yyyy-MM-dd HH:mm:ss", "hh a", "HH:mm:ss.SSS"} {
		fa, f := btConst(types.String, pat)
		_, k, err := expr.Builtins.Scalar("DATE_FORMAT").Bind([]expr.Arg{{Type: types.Timestamp(3)}, fa})
		if err != nil {
			t.Fatal(err)
		}
		out, err := k(expr.NewContext(nil), []arrow.Array{col, f}, col.Len())
		if err != nil {
			t.Fatal(err)
		}
		p, _ := compileDT(pat)
		got := out.(*array.String)
		for i, w := range walls {
			if want := string(p.format(nil, w, 0)); got.Value(i) != want {
				t.Errorf("%q row %d: got %q, want %q", pat, i, got.Value(i), want)
			}
		}
		if !got.IsNull(len(walls)) {
			t.Errorf("%q: NULL row formatted", pat)
		}
	}
}
