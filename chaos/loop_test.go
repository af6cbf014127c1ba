package chaos

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeEngine stands in for bin/spry: it completes a checkpoint every
// 100 ms after the one it was restored from (writing chk-<n>/_metadata
// and logging Flink's line), starts a grandchild that only a kill of the
// whole process group ends, and finishes at checkpoint 15.
const fakeEngine = `#!/bin/sh
dir=; restore=
for a in "$@"; do
  case "$a" in
    state.checkpoints.dir=*) dir="${a#*=}" ;;
    execution.savepoint.path=*) restore="${a#*=}" ;;
  esac
done
echo "$restore" >> "$dir/../restores"
n=0
[ -n "$restore" ] && n="${restore##*chk-}"
sleep 60 &
while [ "$n" -lt 15 ]; do
  sleep 0.1
  n=$((n + 1))
  mkdir -p "$dir/job/chk-$n" && echo meta > "$dir/job/chk-$n/_metadata"
  echo "Completed checkpoint $n for job fake (10 bytes, checkpointDuration=1 ms, alignment=0 ms)"
done
kill $! 2>/dev/null
exit 0
`

func TestKillLoop(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "spry")
	if err := os.WriteFile(bin, []byte(fakeEngine), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Bin: bin, WorkDir: dir, Seed: 3, Parallelism: 1, Interval: 100 * time.Millisecond,
		MaxAfter: 400 * time.Millisecond, Log: io.Discard}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	kl, err := runJob(ctx, cfg, jobSpec{bootstrap: "x", bidsTopic: "b", catTopic: "c", outTopic: "o"}, "fake", 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if kl.kills != 3 || len(kl.restored) != 3 {
		t.Fatalf("kills = %d, restores %v; want 3", kl.kills, kl.restored)
	}
	b, err := os.ReadFile(filepath.Join(dir, "restores"))
	if err != nil {
		t.Fatal(err)
	}
	runs := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(runs) != 4 || runs[0] != "" {
		t.Fatalf("runs restored from %q, want a fresh start and 3 restores", runs)
	}
	for i, r := range runs[1:] {
		if r != kl.restored[i] {
			t.Errorf("run %d restored %q, the loop reported %q", i+1, r, kl.restored[i])
		}
		if r != "" && !strings.HasPrefix(r, filepath.Join(dir, "fake-checkpoints", "job", "chk-")) {
			t.Errorf("run %d restored %q, not a checkpoint of the job", i+1, r)
		}
	}
}
