package plan

import (
	"strings"
	"testing"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/sql"
)

// TestGroupWindowGolden binds and optimizes the legacy group window cases
// of testdata/groupwin_*.txtar with the real function registry; a
// "mode" section switches the runtime mode for the cases after it.
func TestGroupWindowGolden(t *testing.T) {
	for _, file := range []string{"testdata/groupwin_bind.txtar"} {
		secs, err := readArchive(file)
		if err != nil {
			t.Fatal(err)
		}
		b := NewBinder(catalog.New(), DefaultConfig())
		changed := false
		var out []section
		for i := 0; i < len(secs); i++ {
			s := secs[i]
			out = append(out, s)
			switch s.name {
			case "setup":
				if err := runScript(b, s.body); err != nil {
					t.Fatalf("%s setup: %v", file, err)
				}
				continue
			case "batch":
				b.Config.Streaming = false
				continue
			}
			name, ok := strings.CutSuffix(s.name, ".sql")
			if !ok {
				continue
			}
			got := groupWinPlan(b, strings.TrimSpace(s.body))
			want := ""
			if i+1 < len(secs) && secs[i+1].name == name+".plan" {
				want = secs[i+1].body
				i++
			}
			out = append(out, section{name: name + ".plan", body: got})
			if *update {
				changed = changed || got != want
				continue
			}
			if strings.TrimSpace(got) != strings.TrimSpace(want) {
				t.Errorf("%s: %s\n--- sql\n%s\n--- got\n%s--- want\n%s", file, name, strings.TrimSpace(s.body), got, want)
			}
		}
		if *update && changed {
			if err := writeArchive(file, out); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// groupWinPlan returns the bound plan, the optimized plan and the schema
// of a query, or its error.
func groupWinPlan(b *Binder, src string) string {
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
	return Explain(n) + "optimized:\n" + Explain(opt) + schemaLine(opt)
}
