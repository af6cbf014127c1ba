package plan

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestBindGolden binds every "name.sql" case of testdata/bind_*.txtar and
// compares the plan (or error) with "name.plan".
func TestBindGolden(t *testing.T) {
	runGolden(t, "testdata/bind_*.txtar", func(b *Binder, src string) string { return planOf(b, src) })
}

func runGolden(t *testing.T, pattern string, run func(b *Binder, src string) string) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files %s: %v", pattern, err)
	}
	for _, file := range files {
		secs, err := readArchive(file)
		if err != nil {
			t.Fatal(err)
		}
		b, err := newTestBinder()
		if err != nil {
			t.Fatal(err)
		}
		changed := false
		var out []section
		for i := 0; i < len(secs); i++ {
			s := secs[i]
			out = append(out, s)
			if s.name == "setup" {
				if err := runScript(b, s.body); err != nil {
					t.Fatalf("%s setup: %v", file, err)
				}
				continue
			}
			name, ok := strings.CutSuffix(s.name, ".sql")
			if !ok {
				continue
			}
			got := run(b, strings.TrimSpace(s.body))
			want := ""
			if i+1 < len(secs) && secs[i+1].name == name+".plan" {
				want = secs[i+1].body
				i++
			}
			if *update {
				out = append(out, section{name: name + ".plan", body: got})
				changed = changed || got != want
				continue
			}
			out = append(out, section{name: name + ".plan", body: want})
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
