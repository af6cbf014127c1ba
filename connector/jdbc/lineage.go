package jdbc

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
)

// Lineage of the exactly-once markers. Checkpoint ids alone cannot tell
// whether a marker belongs to this job: a job restored from an older
// checkpoint or savepoint numbers its checkpoints from the restored id
// again, and a second job with the same sink id numbers its own from 1.
// So each marker row also holds a lineage token: a random id that a
// subtask of a job started afresh creates, keeps in its checkpoint state,
// and that the subtask restored from that state adopts, through any
// number of restores. A transaction finding the marker it is about to
// move under another token fails with a LineageError (two jobs write with
// one sink id) rather than skip or duplicate rows; a marker without a
// token (written before tokens existed) is taken over.
//
// A job started afresh (not restored) starts clean, as Flink's
// exactly-once sinks abort what earlier runs of the same transactional
// prefix left: it deletes the markers under its sink id before its first
// commit, whatever their lineage. A restored job resets the markers of
// the subtasks whose state it took over, and its own, to the restored
// checkpoint id, since its later checkpoints reuse the ids after it.

// lineageColumn is the marker table's column with the lineage token.
const lineageColumn = "lineage"

// LineageError is returned when an exactly-once sink finds the commit
// marker of one of its subtasks written by another job: two jobs write
// the same database with the same sink id, or the markers were replaced
// by a job started afresh after the restored checkpoint was taken.
type LineageError struct {
	Table   string // the Spry table
	SinkID  string // sink.exactly-once.id
	Subtask int    // the marker's subtask
	Found   string // the marker's lineage token
	Want    string // this run's lineage token
}

func (e *LineageError) Error() string {
	return fmt.Sprintf("table %s: the exactly-once commit marker of sink id '%s', subtask %d, in %s belongs to another job "+
		"(lineage %s, this job's is %s): two jobs write with the same '%s', or a job started afresh with that id "+
		"after the restored checkpoint was taken; give each job its own '%s' (or, to restore anyway, delete that id's rows from %s)",
		e.Table, e.SinkID, e.Subtask, markerTable, e.Found, e.Want, OptExactlyOnceID, OptExactlyOnceID, markerTable)
}

// newLineage returns a fresh random lineage token.
func newLineage() string {
	var b [8]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// addLineageColumn adds the lineage column to a marker table created
// before it existed. A concurrent subtask may add it first, so a failed
// ALTER is fine when the column is there afterwards.
func (s *sink) addLineageColumn(ctx context.Context) error {
	probe := func() bool {
		rows, err := s.db.QueryContext(ctx, "SELECT "+lineageColumn+" FROM "+markerTable+" WHERE 1 = 0")
		if err != nil {
			return false
		}
		rows.Close()
		return true
	}
	if probe() {
		return nil
	}
	_, err := s.db.ExecContext(ctx, "ALTER TABLE "+markerTable+" ADD COLUMN "+lineageColumn+" VARCHAR(64) NOT NULL DEFAULT ''")
	if err != nil && !probe() {
		return &StatementError{Table: s.table.Name, Op: "add column " + lineageColumn + " to " + markerTable, Attempts: 1, Err: scrub(err, s.password)}
	}
	return nil
}

// lockMarker reads subtask's marker in tx (locking it where the database
// can): its checkpoint id, -1 when there is none. A marker of another
// lineage than want is a LineageError.
func (s *sink) lockMarker(ctx context.Context, tx *sql.Tx, subtask int, want string) (int64, error) {
	d := s.o.d
	sel := "SELECT checkpoint_id, " + lineageColumn + " FROM " + markerTable + " WHERE sink_id = " + d.placeholder(1) + " AND subtask = " + d.placeholder(2)
	if d.driver != "sqlite" {
		sel += " FOR UPDATE"
	}
	var done int64
	var found string
	switch err := tx.QueryRowContext(ctx, sel, s.o.sinkID, subtask).Scan(&done, &found); {
	case errors.Is(err, sql.ErrNoRows):
		return -1, nil
	case err != nil:
		return 0, err
	}
	if found != "" && want != "" && found != want {
		return 0, &LineageError{Table: s.table.Name, SinkID: s.o.sinkID, Subtask: subtask, Found: found, Want: want}
	}
	return done, nil
}

// resetMarker sets subtask's marker to checkpoint id under lineage. With
// check, a marker of another lineage is a LineageError; without, it is
// overwritten (a subtask the restored job adds takes over whatever an
// earlier, wider run left).
func (s *sink) resetMarker(ctx context.Context, subtask int, id int64, lineage string, check bool) error {
	attempts, err := retry(ctx, s.o.sinkRetries, s.o.maxRetryTimeout, func() error {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
		want := lineage
		if !check {
			want = ""
		}
		if _, err := s.lockMarker(ctx, tx, subtask, want); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.markerUpsert(), s.o.sinkID, subtask, id, lineage); err != nil {
			return err
		}
		return tx.Commit()
	})
	var le *LineageError
	if errors.As(err, &le) {
		return le
	}
	if err != nil {
		return &StatementError{Table: s.table.Name, Op: fmt.Sprintf("reset of the %s marker to checkpoint %d", markerTable, id),
			Attempts: attempts, Err: scrub(err, s.password)}
	}
	return nil
}

// startFresh clears, in a job that was not restored, the markers earlier
// jobs left under the sink's id and creates the run's lineage token:
// checkpoint ids start again at 1, and a marker at a higher id would make
// the new job's commits look done. Nothing of this job is committed yet
// (the first checkpoint completes only after every subtask pre-committed
// it). Subtask 0 clears every subtask's marker, so subtasks a later
// rescaled restore adds start clean too.
func (s *sink) startFresh(ctx context.Context) error {
	if s.started {
		return nil
	}
	s.started = true
	if s.lineage == "" {
		s.lineage = newLineage()
	}
	q := "DELETE FROM " + markerTable + " WHERE sink_id = " + s.o.d.placeholder(1)
	args := []any{s.o.sinkID}
	if s.subtask != 0 {
		q += " AND subtask = " + s.o.d.placeholder(2)
		args = append(args, s.subtask)
	}
	var res sql.Result
	attempts, err := retry(ctx, s.o.sinkRetries, s.o.maxRetryTimeout, func() (err error) {
		res, err = s.db.ExecContext(ctx, q, args...)
		return err
	})
	if err != nil {
		return &StatementError{Table: s.table.Name, Op: "reset of " + markerTable, Attempts: attempts, Err: scrub(err, s.password)}
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		slog.Info("Cleared the exactly-once commit markers an earlier job left: this job was not restored from a checkpoint",
			"table", s.table.Name, "sinkId", s.o.sinkID, "subtask", s.subtask, "markers", n, "lineage", s.lineage)
	}
	return nil
}
