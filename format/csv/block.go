package csv

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/format"
)

// LineHazards returns the quote and escape characters: a newline after one
// of them may be inside a record, so a file cannot be cut at any newline.
// The filesystem source uses it to split files safely.
func (d *Decoder) LineHazards() []byte {
	h := []byte{}
	if d.cfg.quote >= 0 {
		h = append(h, byte(d.cfg.quote))
	}
	if d.cfg.escape >= 0 {
		h = append(h, byte(d.cfg.escape))
	}
	return h
}

// DecodeBlock decodes the records of data that start before offset stop,
// until the decoder holds maxRows rows, and returns the bytes consumed
// (whole records only; 0 when data holds no whole record and !atEOF). On
// a bad record the error is returned with n at that record's start.
//
// It is the bulk form of Decode used by the filesystem source: records
// without quote or escape characters are cut and split into fields in one
// pass over the buffer, and the fields are converted straight from it.
// Records with them take Decode's path, so the results are identical.
func (d *Decoder) DecodeBlock(data []byte, atEOF bool, stop, maxRows int) (int, error) {
	pos := 0
	special := &d.special
	delim := d.cfg.delim
	bounds := d.bounds // a local: appends store no pointer into the heap
	defer func() { d.bounds = bounds[:0] }()
	for pos < len(data) && pos < stop && d.rows < maxRows {
		bounds = bounds[:0]
		field, i, slow := pos, pos, false
		for ; i < len(data); i++ {
			ch := data[i]
			if !special[ch] {
				continue
			}
			if ch == '\n' {
				break
			}
			if ch == delim {
				bounds = append(bounds, field, i)
				field = i + 1
				continue
			}
			slow = true // a quote or escape character
			break
		}
		if slow {
			adv, rec, err := d.cfg.split(data[pos:], atEOF)
			if err != nil {
				return pos, err
			}
			if adv == 0 {
				break // the record goes on past data
			}
			if err := d.Decode(rec); err != nil {
				return pos, err
			}
			pos += adv
			continue
		}
		if i == len(data) && !atEOF {
			break
		}
		end, next := i, min(i+1, len(data))
		// As the record path: the split function drops one CR before the
		// newline and Decode another.
		for k := 0; k < 2 && end > pos && data[end-1] == '\r'; k++ {
			end--
		}
		if end == pos || (d.cfg.comments && data[pos] == '#') {
			pos = next // an empty or comment line: no row
			continue
		}
		bounds = append(bounds, field, max(end, field))
		if d.strCols != nil && len(bounds) >= 2*len(d.cells) {
			// Every column read is a STRING without null literal: no
			// field can fail, so append straight from the buffer.
			for _, f := range d.strCols {
				f.col.add(data[bounds[2*f.field]:bounds[2*f.field+1]])
			}
			d.rows++
			pos = next
			continue
		}
		if err := d.convertFields(data, bounds); err != nil {
			if d.cfg.ignoreErrors {
				d.skipped++
				pos = next
				continue
			}
			return pos, &format.DecodeError{Format: "CSV", Record: append([]byte(nil), data[pos:end]...), Err: err}
		}
		d.commitRow()
		pos = next
	}
	return pos, nil
}

// strColumn is a top-level STRING column built directly as Arrow buffers
// (offsets, bytes, validity) rather than through array.StringBuilder,
// whose per-value reserve checks dominated decoding one-word records.
// The buffers are kept at full length and filled by index: storing a
// slice header on every append would cost a GC write barrier per value
// while a collection runs, which is most of the time at this rate.
type strColumn struct {
	offsets []int32 // offsets[0:n+1] are in use
	data    []byte  // data[0:dn] is in use
	n, dn   int
	valid   []byte // validity bitmap; nil while there are no nulls
	nulls   int
	val     []byte
}

func newStrColumn() *strColumn {
	return &strColumn{offsets: make([]int32, 1025), data: make([]byte, 16<<10)}
}

func (c *strColumn) len() int { return c.n }

func (c *strColumn) parse(s []byte) error { c.val = s; return nil }

func (c *strColumn) commit() { c.add(c.val) }

// add appends one value.
func (c *strColumn) add(v []byte) {
	if c.dn+len(v) > len(c.data) {
		c.data = append(c.data[:c.dn], make([]byte, max(len(c.data), len(v)))...)
		c.data = c.data[:cap(c.data)]
	}
	if c.n+2 > len(c.offsets) {
		c.offsets = append(c.offsets, make([]int32, len(c.offsets))...)
	}
	c.dn += copy(c.data[c.dn:], v)
	c.n++
	c.offsets[c.n] = int32(c.dn)
	if c.valid != nil {
		c.setValid(c.n-1, true)
	}
}

func (c *strColumn) null() {
	n := c.n
	if c.valid == nil {
		c.valid = make([]byte, (n+8)/8, (len(c.offsets)+7)/8)
		for i := range n {
			c.valid[i/8] |= 1 << (i % 8)
		}
	}
	c.add(nil)
	c.setValid(n, false)
	c.nulls++
}

func (c *strColumn) setValid(i int, v bool) {
	for len(c.valid) <= i/8 {
		c.valid = append(c.valid, 0)
	}
	if v {
		c.valid[i/8] |= 1 << (i % 8)
	} else {
		c.valid[i/8] &^= 1 << (i % 8)
	}
}

// newArray hands the buffers to an Arrow array and starts new ones sized
// like the last batch's, so a steady stream of batches neither grows them
// nor allocates (and zeroes) much more than it fills.
func (c *strColumn) newArray() arrow.Array {
	n := c.n
	var valid *memory.Buffer
	if c.nulls > 0 {
		valid = memory.NewBufferBytes(c.valid)
	}
	bufs := []*memory.Buffer{valid,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offsets[:n+1])),
		memory.NewBufferBytes(c.data[:c.dn])}
	data := array.NewData(arrow.BinaryTypes.String, n, bufs, nil, c.nulls, 0)
	a := array.NewStringData(data)
	data.Release()
	c.offsets = make([]int32, len(c.offsets))
	c.data = make([]byte, max(c.dn+c.dn/8, 1024)) // the last batch's size and a little
	c.n, c.dn = 0, 0
	c.valid, c.nulls = nil, 0
	return a
}
