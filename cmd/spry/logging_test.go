package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogSettings(t *testing.T) {
	t.Setenv("SPRY_LOG_FILE", "")
	t.Setenv("SPRY_LOG_LEVEL", "")
	file := filepath.Join(t.TempDir(), "spry.log")
	cases := []struct {
		name     string
		s        logSettings
		wantInfo bool // an INFO line is written
		toFile   bool
		err      string
	}{
		{name: "default warns on stderr", s: logSettings{}},
		{name: "info on stderr", s: logSettings{level: "info"}, wantInfo: true},
		{name: "file defaults to info", s: logSettings{file: file}, wantInfo: true, toFile: true},
		{name: "bad level", s: logSettings{level: "loud"}, err: `log level "loud"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			l, closeFn, err := c.s.open(&stderr)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			l.Info("Completed checkpoint 1")
			closeFn()
			got := stderr.String()
			if c.toFile {
				b, _ := os.ReadFile(file)
				got = string(b)
			}
			if has := strings.Contains(got, "Completed checkpoint 1"); has != c.wantInfo {
				t.Fatalf("info line written = %v, want %v (%q)", has, c.wantInfo, got)
			}
		})
	}
}
