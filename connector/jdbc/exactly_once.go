package jdbc

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
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
// it.

// markerTable holds one row per exactly-once sink subtask: the last
// checkpoint whose rows are in the database.
const markerTable = "spry_sink_commits"

// eoCheckpoint is the rows one subtask pre-committed for one checkpoint.
type eoCheckpoint struct {
	Subtask int   // the subtask that stored them (owner of the marker)
	ID      int64 // the checkpoint
	Rows    []*types.Batch
	Data    []byte // Rows as an Arrow IPC stream
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

// finishExactlyOnce commits, at the end of a bounded input, the
// checkpoints still pending and then the rows after the last one, under
// the next checkpoint id (Flink's final checkpoint): a job restored from
// the last checkpoint that finishes again finds the marker and writes
// nothing twice.
func (s *sink) finishExactlyOnce(ctx context.Context) error {
	if _, err := s.PreCommit(ctx, s.lastID+1); err != nil {
		return err
	}
	return s.Commit(ctx, s.lastID)
}

// startFresh clears, in a job that was not restored, the markers earlier
// jobs left under the sink's id: checkpoint ids start again at 1, and a
// marker at a higher id would make the new job's commits look done.
// Nothing of this job is committed yet (the first checkpoint completes
// only after every subtask pre-committed it). Subtask 0 clears every
// subtask's marker, so subtasks a later rescaled restore adds start clean
// too.
func (s *sink) startFresh(ctx context.Context) error {
	if s.started {
		return nil
	}
	s.started = true
	q := "DELETE FROM " + markerTable + " WHERE sink_id = " + s.o.d.placeholder(1)
	args := []any{s.o.sinkID}
	if s.subtask != 0 {
		q += " AND subtask = " + s.o.d.placeholder(2)
		args = append(args, s.subtask)
	}
	attempts, err := retry(ctx, s.o.sinkRetries, s.o.maxRetryTimeout, func() error {
		_, err := s.db.ExecContext(ctx, q, args...)
		return err
	})
	if err != nil {
		return &StatementError{Table: s.table.Name, Op: "reset of " + markerTable, Attempts: attempts, Err: scrub(err, s.password)}
	}
	return nil
}

// createMarkerTable creates spry_sink_commits if it is missing. Two
// subtasks creating it at once may race in PostgreSQL's catalog, so the
// statement is retried.
func (s *sink) createMarkerTable(ctx context.Context) error {
	q := "CREATE TABLE IF NOT EXISTS " + markerTable +
		" (sink_id VARCHAR(255) NOT NULL, subtask INT NOT NULL, checkpoint_id BIGINT NOT NULL, PRIMARY KEY (sink_id, subtask))"
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
	return nil
}

func (s *sink) markerTableExists(ctx context.Context) bool {
	var n int64
	return s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+markerTable).Scan(&n) == nil
}

// commitCheckpoint writes c's rows with c's marker, with the sink's
// retries.
func (s *sink) commitCheckpoint(ctx context.Context, c *eoCheckpoint) error {
	attempts, err := retry(ctx, s.o.sinkRetries, s.o.maxRetryTimeout, func() error { return s.writeCheckpoint(ctx, c) })
	if err != nil {
		return &StatementError{Table: s.table.Name, Op: fmt.Sprintf("commit of checkpoint %d", c.ID), Attempts: attempts, Err: scrub(err, s.password)}
	}
	return nil
}

// writeCheckpoint is the transaction of one commit: read the marker
// (locking it), and unless it is at c.ID or beyond, insert the rows and
// move the marker.
func (s *sink) writeCheckpoint(ctx context.Context, c *eoCheckpoint) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	d := s.o.d
	sel := "SELECT checkpoint_id FROM " + markerTable + " WHERE sink_id = " + d.placeholder(1) + " AND subtask = " + d.placeholder(2)
	if d.driver != "sqlite" {
		sel += " FOR UPDATE"
	}
	var done int64
	switch err := tx.QueryRowContext(ctx, sel, s.o.sinkID, c.Subtask).Scan(&done); {
	case errors.Is(err, sql.ErrNoRows):
		done = -1
	case err != nil:
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
	if _, err := tx.ExecContext(ctx, s.markerUpsert(), s.o.sinkID, c.Subtask, c.ID); err != nil {
		return err
	}
	return tx.Commit()
}

// markerUpsert sets a subtask's marker, inserting it the first time.
func (s *sink) markerUpsert() string {
	d := s.o.d
	q := "INSERT INTO " + markerTable + " (sink_id, subtask, checkpoint_id) VALUES (" +
		d.placeholder(1) + ", " + d.placeholder(2) + ", " + d.placeholder(3) + ")"
	if d.driver == "mysql" {
		return q + " ON DUPLICATE KEY UPDATE checkpoint_id = VALUES(checkpoint_id)"
	}
	return q + " ON CONFLICT (sink_id, subtask) DO UPDATE SET checkpoint_id = EXCLUDED.checkpoint_id"
}

// stateVersion is the first byte of the sink's checkpoint state.
const stateVersion = 1

// encodeState writes the pending checkpoints: the version, their count,
// then per checkpoint the subtask, id and Arrow IPC stream of its rows.
func encodeState(cs []eoCheckpoint) []byte {
	out := []byte{stateVersion}
	out = binary.AppendUvarint(out, uint64(len(cs)))
	for _, c := range cs {
		out = binary.AppendUvarint(out, uint64(c.Subtask))
		out = binary.AppendVarint(out, c.ID)
		out = binary.AppendUvarint(out, uint64(len(c.Data)))
		out = append(out, c.Data...)
	}
	return out
}

// decodeState reads what encodeState wrote, decoding the rows.
func decodeState(schema *types.Schema, b []byte) ([]eoCheckpoint, error) {
	if len(b) == 0 || b[0] != stateVersion {
		return nil, fmt.Errorf("unsupported state version (want %d)", stateVersion)
	}
	r := bytes.NewReader(b[1:])
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, fmt.Errorf("corrupt state: %w", err)
	}
	var out []eoCheckpoint
	for i := uint64(0); i < n; i++ {
		sub, err1 := binary.ReadUvarint(r)
		id, err2 := binary.ReadVarint(r)
		size, err3 := binary.ReadUvarint(r)
		if err := errors.Join(err1, err2, err3); err != nil || size > uint64(r.Len()) {
			return nil, fmt.Errorf("corrupt state at checkpoint entry %d", i)
		}
		data := make([]byte, size)
		if _, err := r.Read(data); err != nil && size > 0 {
			return nil, fmt.Errorf("corrupt state: %w", err)
		}
		rows, err := decodeRows(schema, data)
		if err != nil {
			return nil, err
		}
		out = append(out, eoCheckpoint{Subtask: int(sub), ID: id, Rows: rows, Data: data})
	}
	return out, nil
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
