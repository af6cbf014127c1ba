// Package arrowcheck checks the framing of an Arrow IPC stream received
// from outside the engine (a Python worker, a gateway client) before
// arrow-go decodes it. arrow-go sizes slices from the lengths of the
// flatbuffer vectors in a message (a schema's fields, a field's children,
// custom metadata, a union's type ids) without checking them against the
// message's size, so a corrupt length makes it allocate gigabytes and the
// process dies of an out-of-memory error no recover can catch. Check
// rejects every vector or string that does not fit in its message.
package arrowcheck

import (
	"encoding/binary"
	"errors"
	"fmt"

	flatbuffers "github.com/google/flatbuffers/go"
)

// maxDepth bounds the nesting of fields (children of children ...).
const maxDepth = 64

// Error describes a corrupt stream.
type Error struct{ Msg string }

func (e *Error) Error() string { return "corrupt Arrow IPC stream: " + e.Msg }

// The message header kinds of Arrow's Message.fbs.
const (
	headerSchema          = 1
	headerDictionaryBatch = 2
	headerRecordBatch     = 3
)

// typeUnion is the Union member of Arrow's Type union.
const typeUnion = 14

// Check walks every message of the IPC stream b and returns an *Error if
// one holds a vector or string that reaches past its message.
func Check(b []byte) (err error) {
	defer func() {
		// The flatbuffers accessors index the buffer unchecked; a read
		// outside it is a corrupt stream like any other.
		if r := recover(); r != nil {
			err = &Error{Msg: fmt.Sprint(r)}
		}
	}()
	for pos := 0; len(b)-pos >= 4; {
		n := binary.LittleEndian.Uint32(b[pos:])
		pos += 4
		if n == 0xFFFFFFFF { // continuation marker, then the length
			if len(b)-pos < 4 {
				return &Error{Msg: "truncated message length"}
			}
			n = binary.LittleEndian.Uint32(b[pos:])
			pos += 4
		}
		if n == 0 {
			return nil // end of stream
		}
		if int64(n) > int64(len(b)-pos) {
			return &Error{Msg: fmt.Sprintf("message of %d bytes in %d", n, len(b)-pos)}
		}
		body, err := checkMessage(b[pos : pos+int(n)])
		if err != nil {
			return err
		}
		pos += int(n)
		if body < 0 || body > int64(len(b)-pos) {
			return &Error{Msg: fmt.Sprintf("message body of %d bytes in %d", body, len(b)-pos)}
		}
		pos += int(body)
	}
	return nil
}

// checkMessage checks one Message flatbuffer and returns its body length.
func checkMessage(m []byte) (int64, error) {
	if len(m) < 4 {
		return 0, &Error{Msg: "short message"}
	}
	c := checker{buf: m}
	root := c.table(flatbuffers.GetUOffsetT(m))
	if err := c.vectorAt(root, 12, 4); err != nil { // custom_metadata
		return 0, err
	}
	kind := root.GetByteSlot(6, 0)
	hdr, ok := c.child(root, 8)
	if ok {
		var err error
		switch kind {
		case headerSchema:
			err = c.schema(hdr)
		case headerRecordBatch:
			err = c.recordBatch(hdr)
		case headerDictionaryBatch:
			if rb, ok := c.child(hdr, 6); ok {
				err = c.recordBatch(rb)
			}
		}
		if err != nil {
			return 0, err
		}
	}
	return root.GetInt64Slot(10, 0), nil
}

// checker reads one message's flatbuffer.
type checker struct{ buf []byte }

func (c *checker) table(pos flatbuffers.UOffsetT) *flatbuffers.Table {
	if int(pos) >= len(c.buf) {
		panic("table offset outside the message")
	}
	return &flatbuffers.Table{Bytes: c.buf, Pos: pos}
}

// child returns the table the field at vtable offset slot points to.
func (c *checker) child(t *flatbuffers.Table, slot flatbuffers.VOffsetT) (*flatbuffers.Table, bool) {
	o := flatbuffers.UOffsetT(t.Offset(slot))
	if o == 0 {
		return nil, false
	}
	return c.table(t.Indirect(t.Pos + o)), true
}

// vectorAt checks that the vector at slot (elements of size elem bytes)
// lies inside the message; an absent vector is fine.
func (c *checker) vectorAt(t *flatbuffers.Table, slot flatbuffers.VOffsetT, elem int) error {
	o := flatbuffers.UOffsetT(t.Offset(slot))
	if o == 0 {
		return nil
	}
	start, n := t.Vector(o), t.VectorLen(o)
	if int64(start)+int64(n)*int64(elem) > int64(len(c.buf)) {
		return &Error{Msg: fmt.Sprintf("vector of %d elements reaches past the message", n)}
	}
	return nil
}

// tables returns the tables of the offset vector at slot, checked.
func (c *checker) tables(t *flatbuffers.Table, slot flatbuffers.VOffsetT) ([]*flatbuffers.Table, error) {
	if err := c.vectorAt(t, slot, 4); err != nil {
		return nil, err
	}
	o := flatbuffers.UOffsetT(t.Offset(slot))
	if o == 0 {
		return nil, nil
	}
	start, n := t.Vector(o), t.VectorLen(o)
	out := make([]*flatbuffers.Table, n) // n*4 bytes fit in the message: bounded
	for i := range out {
		p := start + flatbuffers.UOffsetT(i*4)
		out[i] = c.table(p + flatbuffers.GetUOffsetT(c.buf[p:]))
	}
	return out, nil
}

// schema checks a Schema table: fields, custom metadata, features.
func (c *checker) schema(s *flatbuffers.Table) error {
	if err := c.vectorAt(s, 8, 4); err != nil { // custom_metadata
		return err
	}
	if err := c.vectorAt(s, 10, 8); err != nil { // features
		return err
	}
	fields, err := c.tables(s, 6)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if err := c.field(f, 0); err != nil {
			return err
		}
	}
	return nil
}

// field checks a Field table and its children.
func (c *checker) field(f *flatbuffers.Table, depth int) error {
	if depth > maxDepth {
		return &Error{Msg: "fields nested too deep"}
	}
	if err := c.vectorAt(f, 4, 1); err != nil { // name
		return err
	}
	if err := c.vectorAt(f, 16, 4); err != nil { // custom_metadata
		return err
	}
	if f.GetByteSlot(8, 0) == typeUnion {
		if u, ok := c.child(f, 10); ok {
			if err := c.vectorAt(u, 6, 4); err != nil { // typeIds
				return err
			}
		}
	}
	children, err := c.tables(f, 14)
	if err != nil {
		return err
	}
	for _, ch := range children {
		if err := c.field(ch, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// recordBatch checks a RecordBatch table: nodes and buffers (16-byte
// structs) and the variadic buffer counts.
func (c *checker) recordBatch(r *flatbuffers.Table) error {
	for _, v := range []struct {
		slot flatbuffers.VOffsetT
		elem int
	}{{6, 16}, {8, 16}, {12, 8}} {
		if err := c.vectorAt(r, v.slot, v.elem); err != nil {
			return err
		}
	}
	return nil
}

// ErrCorrupt is matched by errors.Is for any *Error.
var ErrCorrupt = errors.New("corrupt Arrow IPC stream")

// Is makes errors.Is(err, ErrCorrupt) hold.
func (e *Error) Is(target error) bool { return target == ErrCorrupt }
