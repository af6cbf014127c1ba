package table

import (
	"errors"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestConfig(t *testing.T) {
	c, err := newConfig(map[string]string{KeyRuntimeMode: "batch"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, key, value string
		wantErr          bool
	}{
		{"known enum", KeyRuntimeMode, "streaming", false},
		{"enum case-insensitive", KeyAggPhaseStrategy, "two_phase", false},
		{"bad enum", KeyRuntimeMode, "fast", true},
		{"bad int", KeyParallelism, "many", true},
		{"zero parallelism", KeyParallelism, "0", true},
		{"bad bool", KeyMiniBatchEnabled, "yes please", true},
		{"bad zone", KeyLocalTimeZone, "Mars/Olympus", true},
		{"good zone", KeyLocalTimeZone, "Asia/Shanghai", false},
		{"unknown table key stored", "table.exec.whatever", "x", false},
		{"any key stored", "my.key", "v", false},
		{"empty key", "", "v", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Set(tc.key, tc.value)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Set(%q, %q) = %v, wantErr %v", tc.key, tc.value, err, tc.wantErr)
			}
			var ce *ConfigError
			if err != nil && !errors.As(err, &ce) {
				t.Fatalf("error %T is not *ConfigError", err)
			}
			if err == nil {
				if v, ok := c.Get(tc.key); !ok || v != tc.value {
					t.Fatalf("Get(%q) = %q, %v", tc.key, v, ok)
				}
			}
		})
	}
	if c.Location().String() != "Asia/Shanghai" {
		t.Errorf("Location = %s", c.Location())
	}
	c.Reset(KeyRuntimeMode)
	if !c.IsBatch() {
		t.Errorf("RESET should return to the initial value batch")
	}
	c.Reset("")
	if _, ok := c.Get("my.key"); ok {
		t.Errorf("RESET all kept my.key")
	}
	if v, _ := c.Get(KeyParallelism); v != strconv.Itoa(runtime.NumCPU()) {
		t.Errorf("default parallelism %s", v)
	}
	if c.Location() != time.Local {
		t.Errorf("default zone should be the machine's")
	}
}

func TestAutomaticMode(t *testing.T) {
	env := NewEnvironment(Settings{Config: map[string]string{KeyRuntimeMode: "AUTOMATIC", KeyLocalTimeZone: "default"}})
	if _, err := env.planConfig(); err != nil {
		t.Fatal(err)
	}
}
