package worker

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// TestStandbyReuse checks that a cleanly closed worker leaves a standby
// that the next start with the same launch claims, and that a claimed
// standby evaluates like a fresh worker.
func TestStandbyReuse(t *testing.T) {
	res := arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	calls := []CallSpec{{Fn: 0, Args: []Arg{{Col: ip(0)}}}}
	first := start(t, "scalar", []string{"f = lambda x: x + 1"}, calls, []int{0}, res)
	if err := first.Close(nil); err != nil {
		t.Fatal(err)
	}
	want := newestPid(first.key)
	if want == 0 {
		t.Fatal("no standby worker after a clean close")
	}
	second := start(t, "scalar", []string{"f = lambda x: x * 2"}, calls, []int{0}, res)
	if got := second.cmd.Process.Pid; got != want {
		t.Fatalf("second worker has pid %d, want the standby's %d", got, want)
	}
	for i, w := range []string{"[2 4 6]", "[4 8 12]"} {
		cols, err := second.Eval(argSchema, []arrow.Array{int64s(int64(1+i), int64(2*(1+i)), int64(3*(1+i)))}, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := cols[0].String(); got != w {
			t.Fatalf("batch %d: got %s, want %s", i, got, w)
		}
	}
	if err := second.Close(nil); err != nil {
		t.Fatal(err)
	}
	standby.mu.Lock()
	n := len(standby.procs)
	standby.mu.Unlock()
	if n > maxStandby {
		t.Fatalf("%d standby workers kept, at most %d", n, maxStandby)
	}
}

// TestStandbyOff checks that StandbyIdle 0 launches no standby.
func TestStandbyOff(t *testing.T) {
	defer func(d time.Duration) { StandbyIdle = d }(StandbyIdle)
	StandbyIdle = 0
	res := arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	p := start(t, "scalar", []string{"f = lambda x: x"}, []CallSpec{{Fn: 0, Args: []Arg{{Col: ip(0)}}}}, []int{0}, res)
	before := countStandby(p.key)
	if err := p.Close(nil); err != nil {
		t.Fatal(err)
	}
	after := countStandby(p.key)
	if after > before {
		t.Fatalf("%d standby workers after close, %d before", after, before)
	}
}

// newestPid is the pid of key's newest standby (0 if none).
func newestPid(key string) int {
	standby.mu.Lock()
	defer standby.mu.Unlock()
	for i := len(standby.procs) - 1; i >= 0; i-- {
		if standby.procs[i].key == key {
			return standby.procs[i].cmd.Process.Pid
		}
	}
	return 0
}

func countStandby(key string) int {
	standby.mu.Lock()
	defer standby.mu.Unlock()
	n := 0
	for _, p := range standby.procs {
		if p.key == key {
			n++
		}
	}
	return n
}

// TestLaunchKey checks that a standby stands in only for a launch with
// the same PYTHONPATH contents: a created or rewritten entry changes the
// key.
func TestLaunchKey(t *testing.T) {
	dir := t.TempDir()
	zip := filepath.Join(dir, "deps.zip")
	key := func() string { return launchKey("python3", "", []string{"A=1"}, []string{zip}) }
	missing := key()
	if err := os.WriteFile(zip, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	created := key()
	if err := os.WriteFile(zip, []byte("three"), 0o644); err != nil {
		t.Fatal(err)
	}
	rewritten := key()
	for _, c := range []struct {
		name string
		a, b string
		same bool
	}{
		{"unchanged", rewritten, key(), true},
		{"created", missing, created, false},
		{"rewritten", created, rewritten, false},
		{"other env", key(), launchKey("python3", "", []string{"A=2"}, []string{zip}), false},
	} {
		if (c.a == c.b) != c.same {
			t.Errorf("%s: keys equal = %v, want %v", c.name, c.a == c.b, c.same)
		}
	}
}
