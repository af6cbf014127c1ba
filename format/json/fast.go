package json

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// The fast path decodes the common record in one pass over its bytes,
// without building fastjson's value tree: no pointers are written per
// value (so no GC write barriers) and skipped fields are only scanned.
//
// It is deliberately narrow. It handles schemas of scalar columns and
// nested ROWs of them (BOOLEAN, integers, FLOAT, DOUBLE, strings, DATE,
// TIMESTAMP, TIMESTAMP_LTZ) and records whose values have the expected
// JSON types, with no escapes in keys or in the values it keeps. Anything
// else — a string for an INT column, an escape, a value that does not
// parse, malformed JSON — makes it give up, and the record is decoded by
// the fastjson path, which then gives exactly the usual result or error.
// It therefore never accepts a record the fastjson path rejects (the
// differential fuzz test checks that), and converts values with the same
// functions.

// fastKind is the conversion of one fast cell.
type fastKind uint8

const (
	fastBool fastKind = iota
	fastInt
	fastFloat32
	fastFloat64
	fastString
	fastDate
	fastTimestamp
	fastNested
)

// fastCell holds the scratch value of one column between parse and commit.
type fastCell struct {
	kind   fastKind
	bits   int // integer width
	b      array.Builder
	app    func(int64)
	layout format.TimestampLayout
	row    *fastRow

	set bool // the field was present and not null
	i   int64
	f   float64
	s   []byte
}

// fastRow is an object: the top-level record or a nested ROW column.
type fastRow struct {
	b     *array.StructBuilder // nil at the top level
	names []string
	plain []bool // the name has no quote or backslash, so its raw bytes can be matched in place
	index map[string]int
	cells []fastCell
	seen  []bool // present in the record (NULL or not), for fail-on-missing-field

	// A NULL nested row is counted in pending and appended with its
	// neighbours by one AppendNulls, instead of a NULL per child builder
	// per record (Nexmark events are two NULL rows out of three). Only
	// for builders the decoder owns (lazy), whose one reader is Flush.
	lazy    bool
	pending int
	kids    []*fastRow // the nested rows among cells
}

// newFastRow builds the fast path for fields, or returns nil if some
// column type is outside it.
func (d *Decoder) newFastRow(fs []types.Field, sb *array.StructBuilder, bs []array.Builder) *fastRow {
	r := &fastRow{b: sb, index: make(map[string]int, len(fs)), cells: make([]fastCell, len(fs)), seen: make([]bool, len(fs))}
	for i, f := range fs {
		r.names = append(r.names, f.Name)
		r.plain = append(r.plain, !strings.ContainsAny(f.Name, "\"\\"))
		r.index[f.Name] = i
		c := &r.cells[i]
		c.b = bs[i]
		switch f.Type.Kind {
		case types.KindBoolean:
			c.kind = fastBool
		case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt:
			app, err := format.IntAppender(bs[i])
			if err != nil {
				return nil
			}
			c.kind, c.app, c.bits = fastInt, app, format.IntBits(f.Type.Kind)
		case types.KindFloat:
			c.kind = fastFloat32
		case types.KindDouble:
			c.kind = fastFloat64
		case types.KindChar, types.KindVarChar:
			c.kind = fastString
		case types.KindDate:
			c.kind = fastDate
		case types.KindTimestamp, types.KindTimestampLTZ:
			c.kind, c.layout = fastTimestamp, d.cfg.tsLayout(f.Type.Kind == types.KindTimestampLTZ)
		case types.KindRow:
			nb := bs[i].(*array.StructBuilder)
			kids := make([]array.Builder, len(f.Type.Fields))
			for j := range kids {
				kids[j] = nb.FieldBuilder(j)
			}
			if c.row = d.newFastRow(f.Type.Fields, nb, kids); c.row == nil {
				return nil
			}
			r.kids = append(r.kids, c.row)
			c.kind = fastNested
		default:
			return nil
		}
	}
	return r
}

// scanner walks one record. ok turns false at the first thing the fast
// path does not handle; every method then returns at once.
type scanner struct {
	s        []byte
	pos      int
	ok       bool
	failMiss bool
}

func (sc *scanner) ws() {
	for sc.pos < len(sc.s) {
		switch sc.s[sc.pos] {
		case ' ', '\n', '\t', '\r':
			sc.pos++
		default:
			return
		}
	}
}

// number reads a number token as fastjson delimits it.
func (sc *scanner) number() []byte {
	start := sc.pos
	for sc.pos < len(sc.s) {
		c := sc.s[sc.pos]
		if (c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+' {
			sc.pos++
			continue
		}
		break
	}
	tok := sc.s[start:sc.pos]
	if len(tok) == 0 || (len(tok) == 1 && (tok[0] == '-' || tok[0] == '+')) {
		sc.ok = false
	}
	return tok
}

// literal consumes word (true, false, null) if it is next.
func (sc *scanner) literal(word string) bool {
	if len(sc.s)-sc.pos >= len(word) && string(sc.s[sc.pos:sc.pos+len(word)]) == word {
		sc.pos += len(word)
		return true
	}
	return false
}

// skip reads past one value the schema does not need.
func (sc *scanner) skip(depth int) {
	if !sc.ok || sc.pos >= len(sc.s) || depth > 64 {
		sc.ok = false
		return
	}
	switch c := sc.s[sc.pos]; c {
	case '"':
		sc.pos++
		sc.str()
	case '{', '[':
		sc.pos++
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		sc.ws()
		if sc.pos < len(sc.s) && sc.s[sc.pos] == end {
			sc.pos++
			return
		}
		for sc.ok {
			sc.ws()
			if c == '{' {
				if sc.pos >= len(sc.s) || sc.s[sc.pos] != '"' {
					sc.ok = false
					return
				}
				sc.pos++
				sc.str()
				sc.ws()
				if sc.pos >= len(sc.s) || sc.s[sc.pos] != ':' {
					sc.ok = false
					return
				}
				sc.pos++
				sc.ws()
			}
			sc.skip(depth + 1)
			sc.ws()
			if !sc.ok || sc.pos >= len(sc.s) {
				sc.ok = false
				return
			}
			switch sc.s[sc.pos] {
			case ',':
				sc.pos++
			case end:
				sc.pos++
				return
			default:
				sc.ok = false
			}
		}
	case 't':
		sc.ok = sc.literal("true")
	case 'f':
		sc.ok = sc.literal("false")
	case 'n':
		sc.ok = sc.literal("null")
	default:
		sc.number()
	}
}

// object reads an object (after its '{') into r's cells.
func (sc *scanner) object(r *fastRow, depth int) {
	for i := range r.cells {
		r.cells[i].set = false
	}
	clear(r.seen)
	sc.ws()
	if sc.pos < len(sc.s) && sc.s[sc.pos] == '}' {
		sc.pos++
		sc.checkMissing(r)
		return
	}
	next := 0
	for sc.ok {
		sc.ws()
		if sc.pos >= len(sc.s) || sc.s[sc.pos] != '"' {
			sc.ok = false
			return
		}
		sc.pos++
		i := sc.key(r, next)
		sc.ws()
		if !sc.ok || sc.pos >= len(sc.s) || sc.s[sc.pos] != ':' {
			sc.ok = false
			return
		}
		sc.pos++
		sc.ws()
		if i < 0 {
			sc.skip(depth + 1)
		} else {
			next = i + 1
			r.seen[i] = true
			sc.value(&r.cells[i], depth+1)
		}
		sc.ws()
		if !sc.ok || sc.pos >= len(sc.s) {
			sc.ok = false
			return
		}
		switch sc.s[sc.pos] {
		case ',':
			sc.pos++
		case '}':
			sc.pos++
			sc.checkMissing(r)
			return
		default:
			sc.ok = false
		}
	}
}

// checkMissing leaves records missing a field to the fastjson path when
// fail-on-missing-field is set, so it reports them.
func (sc *scanner) checkMissing(r *fastRow) {
	if !sc.failMiss {
		return
	}
	for _, seen := range r.seen {
		if !seen {
			sc.ok = false
			return
		}
	}
}

// value reads the value of column c.
func (sc *scanner) value(c *fastCell, depth int) {
	if sc.pos >= len(sc.s) || depth > 64 {
		sc.ok = false
		return
	}
	ch := sc.s[sc.pos]
	if ch == 'n' {
		sc.ok = sc.literal("null")
		c.set = false
		return
	}
	c.set = true
	var err error
	switch c.kind {
	case fastBool:
		switch {
		case sc.literal("true"):
			c.i = 1
		case sc.literal("false"):
			c.i = 0
		default:
			sc.ok = false
		}
	case fastInt:
		if ch == '"' {
			sc.ok = false
			return
		}
		var ok bool
		if c.i, ok = sc.integer(c.bits); !ok {
			c.i, err = parseInt(sc.number(), c.bits)
		}
	case fastFloat32, fastFloat64:
		if ch == '"' {
			sc.ok = false
			return
		}
		bits := 64
		if c.kind == fastFloat32 {
			bits = 32
		}
		c.f, err = strconv.ParseFloat(string(sc.number()), bits)
	case fastString, fastDate, fastTimestamp:
		if ch != '"' {
			sc.ok = false
			return
		}
		sc.pos++
		c.s = sc.str()
		if !sc.ok {
			return
		}
		switch c.kind {
		case fastDate:
			var days int32
			days, err = format.ParseDate(c.s, false)
			c.i = int64(days)
		case fastTimestamp:
			c.i, err = format.ParseTimestamp(c.s, c.layout)
		}
	case fastNested:
		if ch != '{' {
			sc.ok = false
			return
		}
		sc.pos++
		sc.object(c.row, depth)
	}
	if err != nil {
		sc.ok = false
	}
}

// setLazy defers the NULLs of nested rows (see fastRow.pending).
func (r *fastRow) setLazy() {
	r.lazy = true
	for _, k := range r.kids {
		k.setLazy()
	}
}

// flushNulls appends the pending NULL rows of r and its descendants. The
// order among them does not matter (NULLs are all alike); they only have
// to be in before the next non-NULL value and before the builders are read.
func (r *fastRow) flushNulls() {
	for _, k := range r.kids {
		k.flushNulls()
	}
	if r.pending > 0 {
		r.b.AppendNulls(r.pending)
		r.pending = 0
	}
}

// commit appends the row's scratch values.
func (r *fastRow) commit() {
	if r.b != nil {
		if r.pending > 0 {
			r.b.AppendNulls(r.pending)
			r.pending = 0
		}
		r.b.Append(true)
	}
	for i := range r.cells {
		c := &r.cells[i]
		if !c.set {
			if c.kind == fastNested {
				if k := c.row; k.lazy {
					k.pending++
				} else {
					k.b.AppendNull()
				}
			} else {
				c.b.AppendNull()
			}
			continue
		}
		switch c.kind {
		case fastBool:
			c.b.(*array.BooleanBuilder).Append(c.i != 0)
		case fastInt:
			c.app(c.i)
		case fastFloat32:
			c.b.(*array.Float32Builder).Append(float32(c.f))
		case fastFloat64:
			c.b.(*array.Float64Builder).Append(c.f)
		case fastString:
			c.b.(*array.StringBuilder).BinaryBuilder.Append(c.s)
		case fastDate:
			c.b.(*array.Date32Builder).Append(arrow.Date32(c.i))
		case fastTimestamp:
			c.b.(*array.TimestampBuilder).Append(arrow.Timestamp(c.i))
		case fastNested:
			c.row.commit()
		}
	}
}

// parseFast tries the fast path on record; true means the row is in the
// fast cells, ready for d.fast.commit.
func (d *Decoder) parseFast(record []byte) bool {
	sc := scanner{s: record, ok: true, failMiss: d.cfg.failOnMissing}
	sc.ws()
	if sc.pos >= len(sc.s) || sc.s[sc.pos] != '{' {
		return false
	}
	sc.pos++
	sc.object(d.fast, 1)
	if !sc.ok {
		return false
	}
	sc.ws()
	return sc.pos == len(sc.s)
}
