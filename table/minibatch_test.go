package table

import (
	"strings"
	"testing"
)

// Mini-batch bundle bounds (table.exec.mini-batch.size / allow-latency)
// change how often a two-phase streaming aggregation emits, never what it
// ends with.
func TestMiniBatchBundleSettings(t *testing.T) {
	for _, size := range []string{"1", "3", "5000"} {
		env := NewEnvironment(Settings{Parallelism: 2, Config: map[string]string{
			KeyMiniBatchEnabled: "true", KeyMiniBatchSize: size, KeyMiniBatchLatency: "1 s",
		}})
		q := `SELECT w, COUNT(*) FROM (VALUES ('a'), ('b'), ('a'), ('c'), ('a'), ('b')) AS t(w) GROUP BY w`
		got := finalState(collectRows(t, mustExec(t, env, q)))
		if want := "+I[a, 3] +I[b, 2] +I[c, 1]"; strings.Join(got, " ") != want {
			t.Errorf("size %s: final state %v, want %s", size, got, want)
		}
	}
}

func TestMiniBatchOptionsReachThePlanner(t *testing.T) {
	env := NewEnvironment(Settings{Config: map[string]string{KeyMiniBatchSize: "7", KeyMiniBatchLatency: "250 ms"}})
	cfg, err := env.planConfig()
	if err != nil {
		t.Fatal(err)
	}
	o := env.physicalOptions(cfg)
	if o.MiniBatchSize != 7 || o.MiniBatchLatency.Milliseconds() != 250 {
		t.Errorf("options = %d, %v", o.MiniBatchSize, o.MiniBatchLatency)
	}
}
