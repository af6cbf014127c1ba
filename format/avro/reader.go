package avro

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// errTruncated is a record that ends inside a value.
var errTruncated = errors.New("unexpected end of record")

// reader walks Avro binary encoding. Errors are sticky: after the first,
// every read returns zero values, so value readers need no error checks
// between reads and the caller checks err once per record.
type reader struct {
	buf []byte
	pos int
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.pos = len(r.buf)
}

// long reads a zigzag varint (Avro int and long share the encoding).
func (r *reader) long() int64 {
	var u uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.pos >= len(r.buf) {
			r.fail(errTruncated)
			return 0
		}
		c := r.buf[r.pos]
		r.pos++
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1)
		}
	}
	r.fail(errors.New("varint longer than 10 bytes"))
	return 0
}

func (r *reader) bool() bool {
	if r.pos >= len(r.buf) {
		r.fail(errTruncated)
		return false
	}
	c := r.buf[r.pos]
	r.pos++
	return c != 0
}

func (r *reader) fixed(n int) []byte {
	if n < 0 || len(r.buf)-r.pos < n {
		r.fail(errTruncated)
		return nil
	}
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	return b
}

// bytes reads a length-prefixed byte string (bytes and string).
func (r *reader) bytes() []byte {
	n := r.long()
	if n < 0 {
		r.fail(fmt.Errorf("negative length %d", n))
		return nil
	}
	if n > int64(len(r.buf)-r.pos) {
		r.fail(errTruncated)
		return nil
	}
	return r.fixed(int(n))
}

func (r *reader) float32() float32 {
	b := r.fixed(4)
	if b == nil {
		return 0
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(b))
}

func (r *reader) float64() float64 {
	b := r.fixed(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

// blockCount reads the item count of an array or map block; a negative
// count is followed by the block's size in bytes, which is not needed.
// minItem is the fewest bytes one item takes, to reject counts a
// malformed record cannot hold before allocating for them.
func (r *reader) blockCount(minItem int) int {
	n := r.long()
	if n < 0 {
		n = -n
		r.long()
	}
	limit := int64(len(r.buf) - r.pos)
	if minItem == 0 {
		limit = 1 << 20
	}
	if n > limit || n < 0 {
		r.fail(fmt.Errorf("block of %d items does not fit the record", n))
		return 0
	}
	return int(n)
}

// appendLong appends v in zigzag varint encoding.
func appendLong(dst []byte, v int64) []byte {
	return binary.AppendUvarint(dst, uint64(v<<1)^uint64(v>>63))
}
