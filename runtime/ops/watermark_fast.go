package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// monotoneWatermark reports whether e, a WATERMARK FOR expression, reads
// only the rowtime column and never decreases when the rowtime grows: the
// rowtime itself, or the rowtime plus or minus constants (the usual
// `ts - INTERVAL '5' SECOND`). The largest watermark of a batch is then
// the expression at the batch's largest rowtime, computed on one row
// instead of on the whole column (the Nexmark profiles showed the
// whole-column evaluation on every batch).
func monotoneWatermark(e expr.Expr, rowtime int) bool {
	switch e := e.(type) {
	case *expr.ColumnRef:
		return e.Index == rowtime
	case *expr.Call:
		if len(e.Args) != 2 {
			return false
		}
		_, lit0 := e.Args[0].(*expr.Literal)
		_, lit1 := e.Args[1].(*expr.Literal)
		switch e.Name {
		case "-":
			return lit1 && monotoneWatermark(e.Args[0], rowtime)
		case "+":
			return (lit1 && monotoneWatermark(e.Args[0], rowtime)) || (lit0 && monotoneWatermark(e.Args[1], rowtime))
		}
	}
	return false
}

// batchWatermark returns the largest watermark candidate of the rows of b
// whose rowtime column rt (µs, no NULLs: checked by the caller) has its
// largest value max: the expression evaluated on a one-row batch holding
// that rowtime. Only the rowtime column is real; the expression reads no
// other.
func (w *WatermarkAssigner) batchWatermark(b *types.Batch, max int64) (int64, bool, error) {
	rt := b.Cols[w.cfg.RowtimeIndex]
	cols := make([]arrow.Array, len(b.Cols))
	for i := range cols {
		cols[i] = array.NewNull(1)
	}
	vals := []arrow.Timestamp{arrow.Timestamp(max)}
	d := array.NewData(rt.DataType(), 1, []*memory.Buffer{nil, memory.NewBufferBytes(arrow.TimestampTraits.CastToBytes(vals))}, nil, 0, 0)
	cols[w.cfg.RowtimeIndex] = array.MakeFromData(d)
	d.Release()
	a, err := w.wmExpr.Eval(w.eval, types.NewBatch(b.Schema, cols, nil, 1))
	if err != nil {
		return 0, false, err
	}
	m, ok := maxTimestamp(a)
	return m, ok, nil
}
