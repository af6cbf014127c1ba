package jdbc

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/spry-engine/spry/types"
)

// Exactly-once append without XA: a write-ahead sink. The rows between two
// checkpoints stay in the sink until the checkpoint's barrier; PreCommit
// stores them in the checkpoint (Arrow IPC), and once the checkpoint is
// complete Commit inserts them in ONE transaction that also moves the
// subtask's marker row in spry_sink_commits to the checkpoint's id. A
// transaction finding the marker at the id or beyond does nothing, so a
// commit repeated after a failure (Commit again, or Restore of the same
// checkpoint) never writes the rows twice, and a crash mid-transaction
// leaves neither rows nor marker. The marker belongs to the subtask that
// stored the rows, so a job restored with another parallelism still finds
// it. A restored job then sets the markers back to the restored
// checkpoint (its ids continue from there), and every marker carries the
// lineage token of the run that wrote it (lineage.go), so two jobs
// sharing one sink id fail instead of skipping each other's rows.

// markerTable holds one row per exactly-once sink subtask: the last
// checkpoint whose rows are in the database.
const markerTable = "spry_sink_commits"

// eoCheckpoint is the rows one subtask pre-committed for one checkpoint.
type eoCheckpoint struct {
	Subtask int   // the subtask that stored them (owner of the marker)
	ID      int64 // the checkpoint
	Rows    []*types.Batch
	Data    []byte // Rows as an Arrow IPC stream
	// Lineage is the token of the run that stored them, written with
	// the marker (lineage.go).
	Lineage string
}

// ErrNotInsert is returned when an exactly-once append sink receives an
// update or delete.
var ErrNotInsert = errors.New("the JDBC sink without a primary key accepts only inserts")

// bufferExactlyOnce keeps b until the next checkpoint's PreCommit.
func (s *sink) bufferExactlyOnce(b *types.Batch) error {
	if !b.InsertOnly() {
		return fmt.Errorf("table %s: %w; please declare primary key for sink table when query contains update/delete record", s.table.Name, ErrNotInsert)
	}
	if b.Len() > 0 {
		s.eoRows = append(s.eoRows, b)
	}
	return nil
}

// finishExactlyOnce runs at the end of a bounded input, after the final
// checkpoint committed every row (the runtime holds the end of input back
// until then). Rows still here were never covered by a completed
// checkpoint: committing them now would write them twice if the process
// died before the job ended, so it is an error.
func (s *sink) finishExactlyOnce() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.eoRows) > 0 || len(s.eoWait) > 0 {
		return fmt.Errorf("table %s: the input ended with rows that no completed checkpoint covers "+
			"(%d batches buffered, %d checkpoints pre-committed): an exactly-once JDBC sink writes only when a checkpoint completes",
			s.table.Name, len(s.eoRows), len(s.eoWait))
	}
	return nil
}

// createMarkerTable creates spry_sink_commits if it is missing. Two
// subtasks creating it at once may race in PostgreSQL's catalog, so the
// statement is retried.
func (s *sink) createMarkerTable(ctx context.Context) error {
	q := "CREATE TABLE IF NOT EXISTS " + markerTable +
		" (sink_id VARCHAR(255) NOT NULL, subtask INT NOT NULL, checkpoint_id BIGINT NOT NULL, " +
		lineageColumn + " VARCHAR(64) NOT NULL DEFAULT '', PRIMARY KEY (sink_id, subtask))"
	attempts, err := retry(ctx, max(s.o.sinkRetries, 2), s.o.maxRetryTimeout, func() error {
		_, err := s.db.ExecContext(ctx, q)
		if err != nil && s.markerTableExists(ctx) {
			return nil
		}
		return err
	})
	if err != nil {
		return &StatementError{Table: s.table.Name, Op: "create " + markerTable, Attempts: attempts, Err: scrub(err, s.password)}
	}
	return s.addLineageColumn(ctx)
}

func (s *sink) markerTableExists(ctx context.Context) bool {
	var n int64
	return s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+markerTable).Scan(&n) == nil
}

// commitCheckpoint writes c's rows with c's marker, with the sink's
// retries.
func (s *sink) commitCheckpoint(ctx context.Context, c *eoCheckpoint) error {
	attempts, err := retry(ctx, s.o.sinkRetries, s.o.maxRetryTimeout, func() error { return s.writeCheckpoint(ctx, c) })
	var le *LineageError
	if errors.As(err, &le) {
		return le
	}
	if err != nil {
		return &StatementError{Table: s.table.Name, Op: fmt.Sprintf("commit of checkpoint %d", c.ID), Attempts: attempts, Err: scrub(err, s.password)}
	}
	return nil
}

// writeCheckpoint is the transaction of one commit: read the marker
// (locking it), and unless it is at c.ID or beyond, insert the rows and
// move the marker. A marker of another lineage is an error.
func (s *sink) writeCheckpoint(ctx context.Context, c *eoCheckpoint) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	done, err := s.lockMarker(ctx, tx, c.Subtask, c.Lineage)
	if err != nil {
		return err
	}
	if done >= c.ID {
		return nil // written before: this is a repeated commit
	}
	var rows []bufRow
	for bi, b := range c.Rows {
		for r := 0; r < b.Len(); r++ {
			rows = append(rows, bufRow{batch: int32(bi), row: int32(r)})
		}
	}
	all := make([]int, len(s.st.cols))
	for i := range all {
		all[i] = i
	}
	if err := s.exec(ctx, tx, c.Rows, rows, all, s.st.rowsPerInsert(), s.st.insertSQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.markerUpsert(), s.o.sinkID, c.Subtask, c.ID, c.Lineage); err != nil {
		return err
	}
	return tx.Commit()
}

// markerUpsert sets a subtask's marker and lineage, inserting it the
// first time.
func (s *sink) markerUpsert() string {
	d := s.o.d
	q := "INSERT INTO " + markerTable + " (sink_id, subtask, checkpoint_id, " + lineageColumn + ") VALUES (" +
		d.placeholder(1) + ", " + d.placeholder(2) + ", " + d.placeholder(3) + ", " + d.placeholder(4) + ")"
	if d.driver == "mysql" {
		return q + " ON DUPLICATE KEY UPDATE checkpoint_id = VALUES(checkpoint_id), " + lineageColumn + " = VALUES(" + lineageColumn + ")"
	}
	return q + " ON CONFLICT (sink_id, subtask) DO UPDATE SET checkpoint_id = EXCLUDED.checkpoint_id, " +
		lineageColumn + " = EXCLUDED." + lineageColumn
}

// encodeRows writes batches as one Arrow IPC stream.
func encodeRows(schema *types.Schema, bs []*types.Batch) ([]byte, error) {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(types.ArrowSchema(schema)))
	for _, b := range bs {
		rec := b.Record()
		err := w.Write(rec)
		rec.Release()
		if err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeRows reads an Arrow IPC stream written by encodeRows. A damaged
// stream is an error: the IPC reader's panics on malformed metadata are
// turned into one.
func decodeRows(schema *types.Schema, data []byte) (out []*types.Batch, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("reading stored rows: damaged Arrow IPC stream: %v", r)
		}
	}()
	rd, err := ipc.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading stored rows: %w", err)
	}
	defer rd.Release()
	for rd.Next() {
		rec := rd.RecordBatch()
		if int(rec.NumCols()) != schema.Len() {
			return nil, fmt.Errorf("stored rows have %d columns, the table has %d", rec.NumCols(), schema.Len())
		}
		rec.Retain()
		out = append(out, types.NewBatch(schema, rec.Columns(), nil, int(rec.NumRows())))
	}
	if err := rd.Err(); err != nil {
		return nil, fmt.Errorf("reading stored rows: %w", err)
	}
	return out, nil
}
