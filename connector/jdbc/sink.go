package jdbc

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// sink writes a table's rows with batched, parameterized statements.
//
// Append mode (no primary key) buffers rows in arrival order and inserts
// them with multi-row INSERTs. Upsert mode (primary key) keeps, like
// Flink's reduced buffer, only the last change per key: +I/+U become an
// upsert, -D (and -U, which the planner drops anyway) a DELETE by key. A
// flush runs in one transaction, so a retried flush never applies half of
// a buffer twice.
type sink struct {
	table    *connector.Table
	password string
	o        *options
	db       *sql.DB
	st       *statements
	upsert   bool

	mu      sync.Mutex // guards the buffer against the interval flusher
	pending []*types.Batch
	rows    []bufRow        // append mode: rows in order
	byKey   map[string]int  // upsert mode: key → index in rows
	keyBuf  []byte          // scratch for key encodings
	count   int             // records since the last flush
	last    time.Time       // last flush
	err     error           // a failed background flush, reported on the next call
	stop    chan struct{}   // ends the interval flusher
	done    sync.WaitGroup  //
	ctx     context.Context // the job's context, for background flushes
	keyCols []arrow.Array   // scratch

	// Exactly-once append mode (exactly_once.go).
	eo      bool
	subtask int
	eoRows  []*types.Batch // rows since the last PreCommit
	eoWait  []eoCheckpoint // pre-committed, not yet committed, by id
	lineage string         // the markers' lineage token (lineage.go)
	// started is set once the sink knows whether it was restored: a
	// job started afresh first clears the markers of earlier jobs.
	started bool
}

// bufRow is a buffered row: batch index into pending, row, and whether it
// deletes (upsert mode).
type bufRow struct {
	batch, row int32
	del        bool
}

func newSink(t *connector.Table) (connector.Sink, error) {
	o, err := parseOptions(t)
	if err != nil {
		return nil, err
	}
	if err := checkWritable(t.Schema); err != nil {
		return nil, fmt.Errorf("table %s: %w", t.Name, err)
	}
	s := &sink{table: t, password: t.Options[OptPassword], o: o, upsert: len(t.PrimaryKey) > 0}
	s.eo = o.exactlyOnce && !s.upsert
	s.st = newStatements(o.d, o.table, t.Schema.Names(), t.PrimaryKey)
	return s, nil
}

// Open connects to the database and starts the interval flusher.
func (s *sink) Open(ctx context.Context, task connector.Task) error {
	db, err := connect(ctx, s.table.Name, s.o, s.password)
	if err != nil {
		return err
	}
	s.db, s.ctx, s.last, s.subtask = db, ctx, time.Now(), task.Subtask
	s.byKey = map[string]int{}
	if s.eo {
		if !task.Checkpointing {
			db.Close()
			s.db = nil
			return fmt.Errorf("table %s: '%s' = 'exactly-once' writes the rows of each checkpoint when it completes, "+
				"but the job has checkpointing disabled: set 'execution.checkpointing.interval' (or use 'at-least-once')",
				s.table.Name, OptDeliveryGuarantee)
		}
		return s.createMarkerTable(ctx)
	}
	if s.o.flushInterval > 0 && s.o.flushRows != 1 {
		s.stop = make(chan struct{})
		s.done.Add(1)
		go s.flusher(s.o.flushInterval)
	}
	return nil
}

// flusher flushes the buffer every interval, as Flink's scheduled flush
// does, so rows reach the database while the stream is idle.
func (s *sink) flusher(every time.Duration) {
	defer s.done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.mu.Lock()
			if s.err == nil && s.count > 0 && time.Since(s.last) >= every {
				s.err = s.flushLocked(s.ctx)
			}
			s.mu.Unlock()
		}
	}
}

// Write buffers b and flushes when the buffer reaches
// sink.buffer-flush.max-rows.
func (s *sink) Write(ctx context.Context, b *types.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if s.eo {
		return s.bufferExactlyOnce(b)
	}
	n := b.Len()
	for i := 0; i < n; {
		// Take as many rows as fit before the next size-triggered flush.
		j := n
		if s.o.flushRows > 0 {
			j = min(n, i+s.o.flushRows-s.count)
		}
		if err := s.add(b, i, j); err != nil {
			return err
		}
		i = j
		if s.o.flushRows > 0 && s.count >= s.o.flushRows {
			if err := s.flushLocked(ctx); err != nil {
				return err
			}
		}
	}
	if s.o.flushInterval > 0 && s.count > 0 && time.Since(s.last) >= s.o.flushInterval {
		return s.flushLocked(ctx)
	}
	return nil
}

// add buffers rows [i, j) of b.
func (s *sink) add(b *types.Batch, i, j int) error {
	bi := int32(len(s.pending))
	s.pending = append(s.pending, b)
	if !s.upsert {
		for r := i; r < j; r++ {
			if b.Kind(r) != types.Insert {
				return fmt.Errorf("table %s: the JDBC sink without a primary key accepts only inserts, found %s; "+
					"please declare primary key for sink table when query contains update/delete record", s.table.Name, b.Kind(r))
			}
			s.rows = append(s.rows, bufRow{batch: bi, row: int32(r)})
		}
		s.count += j - i
		return nil
	}
	s.keyCols = s.keyCols[:0]
	for _, k := range s.table.PrimaryKey {
		s.keyCols = append(s.keyCols, b.Cols[k])
	}
	for r := i; r < j; r++ {
		s.keyBuf = kernel.AppendKey(s.keyBuf[:0], s.keyCols, r)
		row := bufRow{batch: bi, row: int32(r), del: b.Kind(r).IsRetraction()}
		if at, ok := s.byKey[string(s.keyBuf)]; ok {
			s.rows[at] = row
		} else {
			s.byKey[string(s.keyBuf)] = len(s.rows)
			s.rows = append(s.rows, row)
		}
	}
	s.count += j - i
	return nil
}

// flushLocked writes the buffer in one transaction, retrying it with
// back-off (sink.max-retries, connection.max-retry-timeout).
func (s *sink) flushLocked(ctx context.Context) error {
	defer func() { s.last = time.Now() }()
	if len(s.rows) == 0 {
		s.count = 0
		return nil
	}
	attempts, err := retry(ctx, s.o.sinkRetries, s.o.maxRetryTimeout, func() error { return s.writeRows(ctx) })
	if err != nil {
		return &StatementError{Table: s.table.Name, Op: "write", Attempts: attempts, Err: scrub(err, s.password)}
	}
	s.pending, s.rows, s.count = s.pending[:0], s.rows[:0], 0
	clear(s.byKey)
	return nil
}

// writeRows runs the statements of the buffered rows in a transaction:
// upserts (or inserts) first, then deletes; in upsert mode each key
// appears once, so the order between the two does not matter.
func (s *sink) writeRows(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	var ups, dels []bufRow
	for _, r := range s.rows {
		if r.del {
			dels = append(dels, r)
		} else {
			ups = append(ups, r)
		}
	}
	all := make([]int, len(s.st.cols))
	for i := range all {
		all[i] = i
	}
	if err := s.exec(ctx, tx, s.pending, ups, all, s.st.rowsPerInsert(), s.st.insertSQL); err != nil {
		return err
	}
	if err := s.exec(ctx, tx, s.pending, dels, s.table.PrimaryKey, s.st.rowsPerDelete(), s.st.deleteSQL); err != nil {
		return err
	}
	return tx.Commit()
}

// exec runs the statement made by sqlFor over rows (indexes into
// batches) in chunks of per rows, binding columns cols of each row.
func (s *sink) exec(ctx context.Context, tx *sql.Tx, batches []*types.Batch, rows []bufRow, cols []int, per int, sqlFor func(int) string) error {
	args := make([]any, 0, min(len(rows), per)*len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		args = args[:0]
		for _, r := range chunk {
			b := batches[r.batch]
			for _, c := range cols {
				v, err := s.o.d.argOf(b.Cols[c], s.table.Schema.Fields[c].Type, int(r.row))
				if err != nil {
					return err
				}
				args = append(args, v)
			}
		}
		if _, err := tx.ExecContext(ctx, sqlFor(len(chunk)), args...); err != nil {
			return err
		}
	}
	return nil
}

// OnBarrier flushes before a checkpoint barrier passes (at-least-once, and
// exactly-once in effect for idempotent upserts). An exactly-once append
// sink keeps its rows: PreCommit puts them into the checkpoint.
func (s *sink) OnBarrier(ctx context.Context, _ int64) error {
	if s.eo {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	return s.flushLocked(ctx)
}

// Finish flushes what is left at the end of a bounded input; an
// exactly-once sink has nothing left: the final checkpoint committed it.
func (s *sink) Finish(ctx context.Context) error {
	if s.eo {
		return s.finishExactlyOnce()
	}
	return s.OnBarrier(ctx, 0)
}

// Close stops the flusher and closes the connection pool; unflushed rows
// of a cancelled job are dropped, as Flink's.
func (s *sink) Close() error {
	if s.stop != nil {
		close(s.stop)
		s.done.Wait()
		s.stop = nil
	}
	if s.db != nil {
		err := s.db.Close()
		s.db = nil
		return err
	}
	return nil
}
