package chaos

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestChaos is the shortened chaos run of issue 6's acceptance: 500 k bids,
// at least 5 SIGKILLs, both sinks (an exactly-once Kafka topic read with
// read_committed, a MariaDB upsert table), nothing lost and nothing
// duplicated. It needs the servers of scripts/services.sh and builds
// bin/spry into the test's directory.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos run takes a minute")
	}
	bootstrap, dsn := servers(t)
	bin := buildSpry(t)
	cfg := Config{
		Bin: bin, Bootstrap: bootstrap, MySQLDSN: dsn, Sink: SinkBoth,
		Events: 500_000, Auctions: 1000, Kills: 6, Seed: seed(),
		Reference: true, WorkDir: t.TempDir(), Timeout: 4 * time.Minute, Log: testWriter{t},
	}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Reference {
		if !r.Diff.OK() {
			t.Errorf("the failure-free run's %s output differs from the independent computation: %s", r.Sink, r.Diff)
		}
	}
	if len(res.Sinks) != 2 {
		t.Fatalf("results for %d sinks, want 2", len(res.Sinks))
	}
	for _, r := range res.Sinks {
		t.Logf("%s sink: %s", r.Sink, r.Line())
		if !r.Diff.OK() {
			t.Errorf("%s sink after %d kills: %s", r.Sink, r.Kills, r.Diff)
		}
		if r.Warning != "" {
			t.Errorf("%s sink: %s", r.Sink, r.Warning)
		}
	}
	if res.Kills < 5 {
		t.Errorf("the job finished after %d kills, want at least 5", res.Kills)
	}
}

// servers returns the Kafka bootstrap and MariaDB DSN of the test servers;
// without them the test is skipped, or fails under SPRY_REQUIRE_SERVICES=1.
func servers(t *testing.T) (string, string) {
	t.Helper()
	b, d := os.Getenv("SPRY_KAFKA_BOOTSTRAP"), os.Getenv("SPRY_MYSQL_DSN")
	if b == "" || d == "" {
		msg := "SPRY_KAFKA_BOOTSTRAP and SPRY_MYSQL_DSN are needed: run scripts/services.sh up and eval \"$(scripts/services.sh env)\""
		if os.Getenv("SPRY_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return b, d
}

// buildSpry builds the engine binary for the test (or takes SPRY_CHAOS_BIN).
func buildSpry(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("SPRY_CHAOS_BIN"); b != "" {
		return b
	}
	bin := filepath.Join(t.TempDir(), "spry")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/spry-engine/spry/cmd/spry")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/spry: %v\n%s", err, out)
	}
	return bin
}

// seed is the run's seed: SPRY_CHAOS_SEED to replay a failure, else the
// clock (Run prints it).
func seed() uint64 {
	var s uint64
	for _, c := range os.Getenv("SPRY_CHAOS_SEED") {
		if c < '0' || c > '9' {
			return 0
		}
		s = s*10 + uint64(c-'0')
	}
	return s
}

// testWriter sends the harness's progress to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p[:len(p)-min(len(p), 1)]))
	return len(p), nil
}
