package csv

import (
	"fmt"

	"github.com/spry-engine/spry/types"
)

// Project makes the decoder emit only the columns cols (indexes into its
// schema, in output order), for a scan the planner pushed a projection
// into. Fields of other columns are still split off but never converted,
// so reading a few columns of a wide file costs little more than its
// bytes, and a bad value in a column not read is no error (as in Flink,
// whose projected CSV reader converts only the fields it reads).
func (d *Decoder) Project(cols []int) error {
	keep := make([]bool, len(d.cells))
	fs := make([]types.Field, len(cols))
	for j, c := range cols {
		if c < 0 || c >= len(d.cells) {
			return &ConfigError{fmt.Sprintf("projected column %d out of range (%d columns)", c, len(d.cells))}
		}
		keep[c] = true
		fs[j] = d.schema.Fields[c]
	}
	for i, k := range keep {
		if !k {
			d.cells[i] = skipCell{}
		}
	}
	d.out = append([]int(nil), cols...)
	d.outSch = types.NewSchema(fs...)
	d.findStrCols()
	return nil
}

// findStrCols enables DecodeBlock's direct path when every column read is
// a STRING and no null literal is set: no field can fail or be NULL then.
func (d *Decoder) findStrCols() {
	d.strCols = nil
	if d.cfg.nullLiteral != nil {
		return
	}
	for i, c := range d.cells {
		switch c := c.(type) {
		case skipCell:
		case *strColumn:
			d.strCols = append(d.strCols, strField{i, c})
		default:
			d.strCols = nil
			return
		}
	}
}

// strField is a STRING column and its field position in a record.
type strField struct {
	field int
	col   *strColumn
}

// skipCell stands for a column that is not read.
type skipCell struct{}

func (skipCell) parse([]byte) error { return nil }
func (skipCell) commit()            {}
func (skipCell) null()              {}
