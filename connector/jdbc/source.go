package jdbc

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// sourceParallelism caps the scan at one subtask per partition: one
// without scan.partition.* options.
func sourceParallelism(o map[string]string) int {
	if _, ok := o[OptPartitionColumn]; !ok {
		return 1
	}
	return max(1, intOpt(o, OptPartitionNum, 1))
}

// split is one range of the partition column, [lo, hi] inclusive.
type split struct{ lo, hi int64 }

// splits cuts [lower, upper] into n ranges of equal stride as Flink's
// JdbcNumericBetweenParametersProvider: the first (upper-lower+1) mod n
// ranges get one value more.
func splits(lower, upper int64, n int) []split {
	total := uint64(upper-lower) + 1
	if uint64(n) > total {
		n = int(total)
	}
	size, bigger := total/uint64(n), total%uint64(n)
	out := make([]split, 0, n)
	lo := lower
	for i := 0; i < n; i++ {
		w := size
		if uint64(i) < bigger {
			w++
		}
		hi := lo + int64(w) - 1
		out = append(out, split{lo, hi})
		lo = hi + 1
	}
	return out
}

// source is the bounded scan: this subtask's splits (split i goes to
// subtask i mod parallelism), one query per split, rows turned into
// batches of the task's batch size.
type source struct {
	table    *connector.Table
	password string
	o        *options
	out      *types.Schema // emitted columns
	cols     []int         // their indexes in table.Schema
	db       *sql.DB
	tx       *sql.Tx
	queries  []func(context.Context) (*sql.Rows, error)
	pos      int   // index in queries of the split being read (or next)
	offset   int64 // rows of split pos already emitted
	skip     int64 // rows of split pos to skip after a restore
	rows     *sql.Rows
	batch    int
	cells    []any
	ptrs     []any
}

func newSource(t *connector.Table) (connector.Source, error) {
	o, err := parseOptions(t)
	if err != nil {
		return nil, err
	}
	s := &source{table: t, password: t.Options[OptPassword], o: o}
	s.cols = t.Projection
	if s.cols == nil {
		s.cols = make([]int, t.Schema.Len())
		for i := range s.cols {
			s.cols[i] = i
		}
	}
	fields := make([]types.Field, len(s.cols))
	for i, c := range s.cols {
		fields[i] = t.Schema.Fields[c]
		if err := checkWritable(types.NewSchema(fields[i])); err != nil {
			return nil, fmt.Errorf("table %s: %w", t.Name, err)
		}
	}
	s.out = types.NewSchema(fields...)
	return s, nil
}

// Open connects and prepares this subtask's queries.
func (s *source) Open(ctx context.Context, task connector.Task) error {
	db, err := connect(ctx, s.table.Name, s.o, s.password)
	if err != nil {
		return err
	}
	s.db = db
	s.batch = task.BatchSize
	if s.batch <= 0 {
		s.batch = 1024
	}
	if !s.o.autoCommit {
		// scan.auto-commit = false reads in one read-only transaction
		// (PostgreSQL then keeps one snapshot for all splits).
		if s.tx, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}); err != nil {
			return &StatementError{Table: s.table.Name, Op: "scan", Attempts: 1, Err: scrub(err, s.password)}
		}
	}
	names := make([]string, len(s.cols))
	for i, c := range s.cols {
		names[i] = s.table.Schema.Fields[c].Name
	}
	st := newStatements(s.o.d, s.o.table, names, nil)
	order := s.orderBy()
	if !s.o.partitioned {
		if task.Subtask == 0 {
			q := st.selectSQL("") + order
			s.queries = append(s.queries, func(ctx context.Context) (*sql.Rows, error) { return s.query(ctx, q) })
		}
	} else {
		where := s.o.d.quote(s.o.partCol) + " BETWEEN " + s.o.d.placeholder(1) + " AND " + s.o.d.placeholder(2)
		q := st.selectSQL(where) + order
		for i, sp := range splits(s.o.partLower, s.o.partUpper, s.o.partNum) {
			if i%task.Parallelism == task.Subtask {
				s.queries = append(s.queries, func(ctx context.Context) (*sql.Rows, error) { return s.query(ctx, q, sp.lo, sp.hi) })
			}
		}
	}
	s.cells = make([]any, len(s.cols))
	s.ptrs = make([]any, len(s.cols))
	for i := range s.cells {
		s.ptrs[i] = &s.cells[i]
	}
	return nil
}

func (s *source) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s.tx != nil {
		return s.tx.QueryContext(ctx, q, args...)
	}
	return s.db.QueryContext(ctx, q, args...)
}

// Next reads up to a batch of rows, moving to the next split when one
// ends; io.EOF after the last.
func (s *source) Next(ctx context.Context) (*types.Batch, error) {
	bld := make([]array.Builder, len(s.cols))
	for i, f := range s.out.Fields {
		bld[i] = types.NewBuilder(f.Type)
	}
	n := 0
	for n < s.batch {
		if s.rows == nil {
			if s.pos >= len(s.queries) {
				break
			}
			var err error
			// Flink's scan has no retry option: a failed query is retried
			// the default number of times.
			attempts, err := retry(ctx, defaultMaxRetries, s.o.maxRetryTimeout, func() (e error) {
				s.rows, e = s.queries[s.pos](ctx)
				return e
			})
			if err != nil {
				return nil, &StatementError{Table: s.table.Name, Op: "scan", Attempts: attempts, Err: scrub(err, s.password)}
			}
		}
		if !s.rows.Next() {
			err := s.rows.Err()
			s.rows.Close()
			s.rows = nil
			if err != nil {
				return nil, &StatementError{Table: s.table.Name, Op: "scan", Attempts: 1, Err: scrub(err, s.password)}
			}
			s.pos, s.offset, s.skip = s.pos+1, 0, 0
			continue
		}
		if s.offset < s.skip { // emitted before the restored snapshot
			s.offset++
			continue
		}
		if err := s.rows.Scan(s.ptrs...); err != nil {
			return nil, &StatementError{Table: s.table.Name, Op: "scan", Attempts: 1, Err: scrub(err, s.password)}
		}
		for i, f := range s.out.Fields {
			if err := appendCell(bld[i], f.Type, s.cells[i]); err != nil {
				return nil, fmt.Errorf("table %s: column %s: %w", s.table.Name, f.Name, err)
			}
		}
		s.offset++
		n++
	}
	if n == 0 {
		for _, b := range bld {
			b.Release()
		}
		return nil, io.EOF
	}
	cols := make([]arrow.Array, len(bld))
	for i, b := range bld {
		cols[i] = b.NewArray()
		b.Release()
	}
	return types.NewBatch(s.out, cols, nil, n), nil
}

// Close ends an open query and the connection pool.
func (s *source) Close() error {
	if s.rows != nil {
		s.rows.Close()
		s.rows = nil
	}
	if s.tx != nil {
		s.tx.Rollback() //nolint:errcheck // read-only
		s.tx = nil
	}
	if s.db != nil {
		err := s.db.Close()
		s.db = nil
		return err
	}
	return nil
}
