package plan

import (
	"testing"

	"github.com/spry-engine/spry/sql"
)

// TestJoinTimeGolden binds and optimizes the time-aware join cases of
// testdata/join_time*.txtar (interval, window, temporal and lookup joins,
// and the time attributes their outputs keep or materialize).
func TestJoinTimeGolden(t *testing.T) {
	runGolden(t, "testdata/join_time*.txtar", func(b *Binder, src string) string {
		st, err := sql.ParseOne(src)
		if err != nil {
			return "PARSE ERROR: " + err.Error()
		}
		n, err := b.BindStatement(st)
		if err != nil {
			return errText(err, src)
		}
		opt, err := Optimize(n, b.Config)
		if err != nil {
			return errText(err, src)
		}
		out := Explain(opt) + schemaLine(opt)
		if j := findJoin(opt); j != nil {
			if ib := IntervalJoinBounds(j); ib != nil {
				out += "interval: " + ib.String() + "\n"
			}
			if WindowJoinOf(j) != nil {
				out += "window join\n"
			}
		}
		return out
	})
}

func findJoin(n Node) *Join {
	var found *Join
	Walk(n, func(x Node) bool {
		if j, ok := x.(*Join); ok && found == nil {
			found = j
		}
		return found == nil
	})
	return found
}
