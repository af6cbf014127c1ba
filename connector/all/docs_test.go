package all

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
)

var update = flag.Bool("update", false, "rewrite docs/connectors/*.md and docs/formats/*.md")

// TestDocs checks that the reference pages match the specs; run with
// -update to regenerate them.
func TestDocs(t *testing.T) {
	root := filepath.Join("..", "..", "docs")
	pages := map[string]string{}
	for _, name := range connector.Names() {
		f, _ := connector.Lookup(name)
		pages[filepath.Join(root, "connectors", name+".md")] = connector.Markdown(f)
	}
	for _, name := range format.Names() {
		f, _ := format.Lookup(name)
		pages[filepath.Join(root, "formats", name+".md")] = connector.FormatMarkdown(name, f.Description)
	}
	for path, want := range pages {
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Errorf("%s is out of date: run go test ./connector/all -update", path)
		}
	}
}

// TestRegistered checks that every connector and format links in and that
// each spec validates its own defaults.
func TestRegistered(t *testing.T) {
	for _, name := range []string{"blackhole", "datagen", "filesystem", "print", "values"} {
		f, err := connector.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		opts := map[string]string{}
		for _, o := range f.Options {
			if o.Required {
				opts[o.Key] = "x"
			}
			if o.Default != "" && !o.Pattern {
				opts[o.Key] = o.Default
			}
		}
		if f.FormatOption != "" {
			opts[f.FormatOption] = "csv"
		}
		if err := connector.ValidateTable(f, "t", opts); err != nil {
			t.Errorf("%s: its own defaults do not validate: %v", name, err)
		}
	}
	for _, name := range []string{"csv", "json"} {
		if _, err := format.Lookup(name); err != nil {
			t.Error(err)
		}
	}
}
