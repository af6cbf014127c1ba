package filesystem

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
)

// TestRestoreCommittedInProgress: a checkpoint's in-progress file that is
// already visible when the checkpoint is restored was published by the
// commit of that checkpoint (a repeated restore) or of a later one (a
// restore from an older checkpoint). It is left as it is, with an INFO
// line naming it; a visible file shorter than the checkpoint recorded,
// or no file at all, is an error.
func TestRestoreCommittedInProgress(t *testing.T) {
	for _, tc := range []struct {
		name    string
		damage  func(t *testing.T, final string, recorded int64)
		wantErr string // "" = restored
		wantLog string
		rows    int // visible rows after the restore
	}{
		{name: "later checkpoint committed it", wantLog: "committed by a later checkpoint", rows: 20},
		{name: "repeated restore", damage: func(t *testing.T, final string, n int64) { truncateTo(t, final, n) },
			wantLog: "committed by an earlier restore", rows: 10},
		{name: "shorter than recorded", damage: func(t *testing.T, final string, _ int64) { truncateTo(t, final, 3) },
			wantErr: "holds 3 bytes"},
		{name: "gone", damage: func(t *testing.T, final string, _ int64) { os.Remove(final) }, wantErr: "is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			timeNow = func() time.Time { return clock }
			defer func() { timeNow = time.Now }()
			var logs bytes.Buffer
			defer slog.SetDefault(slog.Default())
			slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))

			dir := t.TempDir()
			a := ckptSink(t, dir, OptRolloverInterval, "1 min")
			writeRows(t, a, 0, 10)
			st1 := pre(t, a, 1) // the file is in progress: its length is recorded
			commit(t, a, 1)
			writeRows(t, a, 10, 20)
			clock = clock.Add(2 * time.Minute)
			pre(t, a, 2) // rolled: published with rows 0..19 when 2 completes
			commit(t, a, 2)
			files, err := listFiles(dir)
			if err != nil || len(files) != 1 {
				t.Fatalf("visible files after checkpoint 2: %v, %v", files, err)
			}
			if tc.damage != nil {
				tc.damage(t, files[0], recordedLength(t, st1))
			}
			b := ckptSink(t, dir)
			err = b.(connector.CheckpointedSink).Restore(context.Background(), 1, [][]byte{st1})
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Restore: %v, want an error with %q", err, tc.wantErr)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if got := mustVisible(t, dir); len(got) != tc.rows {
				t.Fatalf("%d rows visible, want %d", len(got), tc.rows)
			}
			if l := logs.String(); !strings.Contains(l, "level=INFO") || !strings.Contains(l, tc.wantLog) ||
				!strings.Contains(l, filepath.Base(files[0])) {
				t.Fatalf("log %q: want an INFO line %q naming %s", l, tc.wantLog, files[0])
			}
		})
	}
}

func truncateTo(t *testing.T, path string, n int64) {
	t.Helper()
	if err := os.Truncate(path, n); err != nil {
		t.Fatal(err)
	}
}

// recordedLength is the in-progress length a single-part state recorded.
func recordedLength(t *testing.T, b []byte) int64 {
	t.Helper()
	var st sinkState
	if err := json.Unmarshal(b, &st); err != nil || len(st.Parts) != 1 || st.Parts[0].InProgress == nil {
		t.Fatalf("state %s: %v", b, err)
	}
	return st.Parts[0].Length
}
