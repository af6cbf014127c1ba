// Package pyinput is the internal 'python-input' connector: a bounded,
// insert-only source replaying Arrow record batches that a front end
// registered in this process (the gateway's register_arrow, behind the
// Python API's from_pandas and from_elements). Tables refer to the data
// by the 'id' Register returned. It is not linked by connector/all, so it
// stays out of the user documentation; the gateway imports it.
package pyinput

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// OptID is the option naming the registered data.
const OptID = "id"

// Name is the connector's 'connector' value.
const Name = "python-input"

// Factory is the python-input connector.
var Factory = &connector.Factory{
	Name:        Name,
	Description: "Internal: a bounded source of Arrow batches registered in the engine process (Python from_pandas / from_elements).",
	Options: []connector.Option{
		{Key: OptID, Type: connector.TypeString, Required: true, Description: "The id pyinput.Register returned for the data."},
	},
	NewSource:         newSource,
	SourceBounded:     func(map[string]string) bool { return true },
	SourceParallelism: func(map[string]string) int { return 1 },
}

func init() { connector.Register(Factory) }

// entry is one registered data set: the records as received and, once
// bound to a table schema, the batches converted to its Arrow types.
type entry struct {
	records []arrow.RecordBatch
	bound   *types.Schema
	batches []*types.Batch
}

var (
	mu     sync.Mutex
	nextID int
	data   = map[string]*entry{}
)

// Register stores records (retained until Drop) and returns their id.
func Register(records []arrow.RecordBatch) string {
	for _, r := range records {
		r.Retain()
	}
	mu.Lock()
	defer mu.Unlock()
	nextID++
	id := "py-" + strconv.Itoa(nextID)
	data[id] = &entry{records: records}
	return id
}

// Drop forgets the data of id and releases its records.
func Drop(id string) {
	mu.Lock()
	e := data[id]
	delete(data, id)
	mu.Unlock()
	if e != nil {
		for _, r := range e.records {
			r.Release()
		}
	}
}

// Bind converts the data of id to schema s (column by column, in order,
// casting each Arrow array to the Arrow type of the column's logical
// type) and keeps the result for the sources of tables with that schema.
// Binding early reports a type mismatch when the table is created rather
// than when a job first reads it.
func Bind(id string, s *types.Schema) error {
	mu.Lock()
	e, ok := data[id]
	mu.Unlock()
	if !ok {
		return fmt.Errorf("python-input: no data registered under id '%s'", id)
	}
	_, err := e.bind(s)
	return err
}

// bind returns the batches of e converted to s, converting once per schema.
func (e *entry) bind(s *types.Schema) ([]*types.Batch, error) {
	mu.Lock()
	if e.bound != nil && e.bound.String() == s.String() {
		bs := e.batches
		mu.Unlock()
		return bs, nil
	}
	mu.Unlock()
	out := make([]*types.Batch, 0, len(e.records))
	for _, r := range e.records {
		if int(r.NumCols()) != len(s.Fields) {
			return nil, fmt.Errorf("python-input: data has %d columns, the table has %d", r.NumCols(), len(s.Fields))
		}
		cols := make([]arrow.Array, len(s.Fields))
		for i, f := range s.Fields {
			c, err := castTo(r.Column(i), types.ArrowType(f.Type))
			if err != nil {
				return nil, fmt.Errorf("python-input: column %s: %w", f.Name, err)
			}
			cols[i] = c
		}
		out = append(out, types.NewBatch(s, cols, nil, int(r.NumRows())))
	}
	mu.Lock()
	e.bound, e.batches = s, out
	mu.Unlock()
	return out, nil
}

// castTo returns a as type t, casting when the types differ (pandas sends
// nanosecond timestamps, large strings, dictionaries, null columns).
func castTo(a arrow.Array, t arrow.DataType) (arrow.Array, error) {
	if arrow.TypeEqual(a.DataType(), t) {
		a.Retain()
		return a, nil
	}
	if a.DataType().ID() == arrow.NULL {
		return array.MakeArrayOfNull(compute.GetAllocator(context.Background()), t, a.Len()), nil
	}
	if d, ok := a.(*array.Dictionary); ok {
		plain, err := compute.TakeArray(context.Background(), d.Dictionary(), d.Indices())
		if err != nil {
			return nil, err
		}
		defer plain.Release()
		return castTo(plain, t)
	}
	c, err := compute.CastArray(context.Background(), a, compute.UnsafeCastOptions(t))
	if err != nil {
		return nil, fmt.Errorf("cannot convert %s to %s: %w", a.DataType(), t, err)
	}
	return c, nil
}

type source struct {
	table   *connector.Table
	batches []*types.Batch
	pos     int
}

var _ connector.Source = (*source)(nil)

func newSource(t *connector.Table) (connector.Source, error) {
	return &source{table: t}, nil
}

// Open binds the data to the table's schema; only subtask 0 emits it.
func (s *source) Open(_ context.Context, task connector.Task) error {
	if task.Subtask != 0 {
		return nil
	}
	id := s.table.Options[OptID]
	mu.Lock()
	e, ok := data[id]
	mu.Unlock()
	if !ok {
		return fmt.Errorf("table %s: no python-input data registered under id '%s' (the session that registered it has ended?)", s.table.Name, id)
	}
	bs, err := e.bind(s.table.Schema)
	if err != nil {
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	s.batches = bs
	return nil
}

// Next returns the batches, then io.EOF.
func (s *source) Next(context.Context) (*types.Batch, error) {
	for s.pos < len(s.batches) {
		b := s.batches[s.pos]
		s.pos++
		if b.Len() > 0 {
			return b, nil
		}
	}
	return nil, io.EOF
}

// Close does nothing: the data stays registered for later jobs.
func (s *source) Close() error { return nil }
