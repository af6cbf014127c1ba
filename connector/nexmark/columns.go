package nexmark

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/types"
)

// Fields of the three event rows, in nexmark's DDL order. A table may
// declare a subset of them in any order (nexmark's older DDL has no bid
// channel and url): children are matched by name.
var (
	personFields  = []string{"id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"}
	auctionFields = []string{"id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires", "seller", "category", "extra"}
	bidFields     = []string{"auction", "bidder", "price", "channel", "url", "dateTime", "extra"}
)

// Field indexes into personFields, auctionFields and bidFields.
const (
	pID, pName, pEmail, pCard, pCity, pState, pDateTime, pExtra = 0, 1, 2, 3, 4, 5, 6, 7
)

const (
	aID, aItemName, aDescription, aInitialBid, aReserve, aDateTime, aExpires, aSeller, aCategory, aExtra = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
)

const (
	bAuction, bBidder, bPrice, bChannel, bURL, bDateTime, bExtra = 0, 1, 2, 3, 4, 5, 6
)

// Physical columns of the nexmark table.
const (
	colEventType = iota
	colPerson
	colAuction
	colBid
)

var columnNames = []string{"event_type", "person", "auction", "bid"}

// Schema is the nexmark table's physical schema (nexmark-flink's DDL
// without the computed dateTime column and the watermark).
func Schema() *types.Schema {
	row := func(names []string) types.DataType {
		fs := make([]types.Field, len(names))
		for i, n := range names {
			t := types.String
			switch n {
			case "dateTime", "expires":
				t = types.TimestampMs
			case "id", "initialBid", "reserve", "seller", "category", "auction", "bidder", "price":
				t = types.BigInt
			}
			fs[i] = types.Field{Name: n, Type: t}
		}
		return types.RowOf(fs...)
	}
	return types.NewSchema(
		types.Field{Name: "event_type", Type: types.Int},
		types.Field{Name: "person", Type: row(personFields)},
		types.Field{Name: "auction", Type: row(auctionFields)},
		types.Field{Name: "bid", Type: row(bidFields)},
	)
}

// SchemaError says a table's columns do not fit the nexmark schema.
type SchemaError struct {
	Table, Msg string
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("table %s: the nexmark source table must have the schema of nexmark's DDL (%s): %s", e.Table, Schema(), e.Msg)
}

// strCol is a growing Arrow string column: offsets and bytes. Rows that
// get no value (NULL rows of the struct) are filled in lazily, in one loop
// when the next value or the batch's end comes, instead of one call per
// row.
type strCol struct {
	offs   []int32
	data   []byte
	filled int // rows whose end offset is written
	// perRow is the average length of the last batch's values (0 before
	// the first): buffers are sized from it rather than from an upper
	// bound, because every reserved byte is allocated and cleared.
	perRow float64
}

// reset starts a batch of n rows with offsets offs (n+1 zeros), expecting
// about rows values of about guess bytes each.
func (c *strCol) reset(offs []int32, rows float64, guess int) {
	per := float64(guess)
	if c.perRow > 0 {
		per = c.perRow * 1.1
	}
	c.offs = offs
	c.data = make([]byte, 0, int(rows*per)+64)
	c.filled = 0
}

// learn records the average value length of a batch of rows values.
func (c *strCol) learn(rows int) {
	if rows > 0 {
		c.perRow = float64(len(c.data)) / float64(rows)
	}
}

// pad closes rows up to (not including) row i as empty.
func (c *strCol) pad(i int) {
	end := int32(len(c.data))
	for ; c.filled < i; c.filled++ {
		c.offs[c.filled+1] = end
	}
}

// set closes row i after its bytes were appended to data; rows before it
// without a value were padded by the caller's pad(i) before appending.
func (c *strCol) set(i int) {
	c.offs[i+1] = int32(len(c.data))
	c.filled = i + 1
}

func (c *strCol) arrayData(n int, valid *memory.Buffer, nulls int) arrow.ArrayData {
	c.pad(n)
	return array.NewData(arrow.BinaryTypes.String, n,
		[]*memory.Buffer{valid, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offs)), memory.NewBufferBytes(c.data)},
		nil, nulls, 0)
}

func intData(t arrow.DataType, vals []int64, n int, valid *memory.Buffer, nulls int) arrow.ArrayData {
	return array.NewData(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals))}, nil, nulls, 0)
}

// rowCols holds one event row's children for a batch: int64 columns
// (ids, prices, timestamps in µs) and string columns, by field name.
type rowCols struct {
	want  bool
	names []string  // field names in nexmark order
	ints  [][]int64 // by field index; nil for string fields
	strs  []*strCol // by field index; nil for int fields
	all   []*strCol // the string columns, for closing NULL rows
	valid []byte
	rows  int // valid rows in the batch
	nulls int
	// out maps the table's declared children to ours.
	out []types.Field
	// The declared row's Arrow type, its children's, and the index of
	// each declared child in names: worked out once in bind, not per batch.
	typ      arrow.DataType
	outTypes []arrow.DataType
	outIdx   []int
}

func newRowCols(names []string) *rowCols {
	r := &rowCols{names: names, ints: make([][]int64, len(names)), strs: make([]*strCol, len(names))}
	for i, n := range names {
		if !isInt(n) {
			r.strs[i] = &strCol{}
			r.all = append(r.all, r.strs[i])
		}
	}
	return r
}

// bind checks a declared ROW type against the row's fields.
func (r *rowCols) bind(table string, col string, t types.DataType) error {
	if t.Kind != types.KindRow {
		return &SchemaError{table, fmt.Sprintf("column %s must be a ROW, found %s", col, t)}
	}
	r.want = true
	r.out = t.Fields
	r.typ = types.ArrowType(t)
	r.outTypes, r.outIdx = nil, nil
	for _, f := range t.Fields {
		name := ""
		for _, n := range r.names {
			if strings.EqualFold(n, f.Name) {
				name = n
			}
		}
		if name == "" {
			return &SchemaError{table, fmt.Sprintf("%s has no field %s (fields: %s)", col, f.Name, strings.Join(r.names, ", "))}
		}
		r.outTypes = append(r.outTypes, types.ArrowType(f.Type))
		r.outIdx = append(r.outIdx, slices.Index(r.names, name))
		switch f.Type.Kind {
		case types.KindBigInt, types.KindTimestamp:
			if name == "dateTime" || name == "expires" {
				if f.Type.Kind != types.KindTimestamp {
					return &SchemaError{table, fmt.Sprintf("%s.%s must be TIMESTAMP(3), found %s", col, f.Name, f.Type)}
				}
			} else if f.Type.Kind != types.KindBigInt {
				return &SchemaError{table, fmt.Sprintf("%s.%s must be BIGINT, found %s", col, f.Name, f.Type)}
			}
		case types.KindVarChar:
			if isInt(name) {
				return &SchemaError{table, fmt.Sprintf("%s.%s must be BIGINT, found %s", col, f.Name, f.Type)}
			}
		default:
			return &SchemaError{table, fmt.Sprintf("%s.%s has unsupported type %s", col, f.Name, f.Type)}
		}
	}
	return nil
}

func isInt(name string) bool {
	switch name {
	case "name", "emailAddress", "creditCard", "city", "state", "extra", "itemName", "description", "channel", "url":
		return false
	}
	return true
}

// reset starts a batch of n rows of which about rows are valid, whose
// extra padding averages avgExtra bytes; string buffers are sized up front
// so appends rarely grow them.
func (r *rowCols) reset(n int, rows float64, avgExtra int) {
	if !r.want {
		return
	}
	// One allocation for all integer children and one for all offsets:
	// a batch takes a few large allocations instead of one per child.
	nInts := len(r.names) - len(r.all)
	ints := make([]int64, nInts*n)
	offs := make([]int32, len(r.all)*(n+1))
	for i, name := range r.names {
		if isInt(name) {
			r.ints[i], ints = ints[:n:n], ints[n:]
			continue
		}
		// The first batch's guesses, upper bounds of the average lengths:
		// extra pads to at most 1.2 * (avg - current) <= avg; URLs are at
		// most ~80 bytes. Later batches size from the last one's.
		per := 24
		switch name {
		case "extra":
			per = avgExtra
		case "url":
			per = 80
		case "description":
			per = 100
		}
		r.strs[i].reset(offs[:n+1:n+1], rows, per)
		offs = offs[n+1:]
	}
	r.valid = make([]byte, (n+7)/8)
	r.rows, r.nulls = 0, 0
}

// array builds the struct array of n rows in the declared field order.
// The children share the struct's validity, so reading a field of a null
// row gives NULL.
func (r *rowCols) array(n int) arrow.Array {
	for _, c := range r.all {
		c.learn(r.rows)
	}
	valid := memory.NewBufferBytes(r.valid)
	children := make([]arrow.ArrayData, len(r.out))
	for i, k := range r.outIdx {
		if r.ints[k] != nil {
			children[i] = intData(r.outTypes[i], r.ints[k], n, valid, r.nulls)
		} else {
			children[i] = r.strs[k].arrayData(n, valid, r.nulls)
		}
	}
	data := array.NewData(r.typ, n, []*memory.Buffer{valid}, children, r.nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	for _, c := range children {
		c.Release()
	}
	return arr
}
