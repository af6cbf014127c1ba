package streamtest

import (
	"path/filepath"
	"strings"
	"testing"
)

// recoveryKnown lists files whose recovery run is known to differ, with
// the reason; they are skipped until the reason is fixed.
var recoveryKnown = map[string]string{
	"state_ttl": "operators do not store their state's last-write times in snapshots: restored entries live a full TTL again",
}

// TestStreamRecovery runs every testdata/stream/*.test file in recovery
// mode: each query is checkpointed, cancelled after its middle step and
// restored in a fresh job, and must still give the expected changelog.
func TestStreamRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("recovery mode reruns every stream test")
	}
	files, err := filepath.Glob(filepath.Join("..", "testdata", "stream", "*.test"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".test")
		t.Run(name, func(t *testing.T) {
			if why, ok := recoveryKnown[name]; ok {
				t.Skip("known: " + why)
			}
			RunFileRecovery(t, f)
		})
	}
}
