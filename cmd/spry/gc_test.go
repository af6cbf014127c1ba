package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestMemTotal(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"MemTotal:       24684544 kB\nMemFree: 1 kB\n", 24684544 * 1024},
		{"MemFree: 1 kB\n", 0},
		{"MemTotal: lots kB\n", 0},
		{"", 0},
	}
	for _, tc := range tests {
		if got := memTotal(strings.NewReader(tc.in)); got != tc.want {
			t.Errorf("memTotal(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// TestTuneGCKeepsUserSettings checks that GOGC / GOMEMLIMIT set by the
// user win over the engine's defaults.
func TestTuneGCKeepsUserSettings(t *testing.T) {
	prev, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	defer func() { debug.SetGCPercent(prev); debug.SetMemoryLimit(limit) }()
	tuneGC(func(k string) string {
		if k == "GOGC" {
			return "100"
		}
		return "1GiB"
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC set by the user was overridden: %d", got)
	}
	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Fatalf("GC percent = %d, want %d", got, gcPercent)
	}
}
