package ops

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/pyudf/pyudftest"
	"github.com/spry-engine/spry/pyudf/worker"
	"github.com/spry-engine/spry/types"
)

func pyInts(vals ...int64) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues(vals, nil)
	return b.NewArray()
}

// TestPythonCalcBundles checks the operator's bundling: rows are held up
// to arrow.batch.size, flushed by bundle.time, when the input runs dry,
// and always emitted in order with their forwarded columns and row kinds.
func TestPythonCalcBundles(t *testing.T) {
	py := pyudftest.Python(t)
	in := types.NewSchema(types.Field{Name: "k", Type: types.String}, types.Field{Name: "x", Type: types.BigInt})
	out := types.NewSchema(types.Field{Name: "k", Type: types.String}, types.Field{Name: "y", Type: types.BigInt})
	col := 0 // the worker's first argument column (input column ArgCols[0])
	opts := worker.FromConfig(map[string]string{worker.KeyExecutable: py, worker.KeyArrowBatchSize: "4", worker.KeyBundleTime: "100"})
	cfg := &PythonCalcConfig{
		Program: worker.Program{Mode: "scalar", Functions: []worker.FunctionInfo{{Name: "inc", Kind: "scalar", FuncType: "general"}},
			Calls: []worker.CallSpec{{Fn: 0, Args: []worker.Arg{{Col: &col}}}}, Outputs: []int{0}},
		Payloads: [][]byte{pyudftest.Pickle(t, py, "f = lambda x: x + 1")},
		ArgCols:  []int{1}, Forward: []int{0}, Options: opts, InSchema: in, OutSchema: out, Display: "PythonCalc(test)",
	}
	op, err := NewPythonCalc(cfg)
	if err != nil {
		t.Fatal(err)
	}
	now := int64(1_000_000)
	if err := op.Open(&OpContext{Ctx: context.Background(), Parallelism: 1, Now: func() int64 { return now }}); err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	c := &sliceCollector{}
	strs := func(vals ...string) arrow.Array {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		b.AppendValues(vals, nil)
		return b.NewArray()
	}
	// 3 rows: below the batch size, held.
	b1 := types.NewBatch(in, []arrow.Array{strs("a", "b", "c"), pyInts(1, 2, 3)}, []types.RowKind{types.Insert, types.Insert, types.Delete}, 3)
	if err := op.ProcessBatch(0, b1, c); err != nil {
		t.Fatal(err)
	}
	if len(c.batches) != 0 {
		t.Fatalf("rows below arrow.batch.size were not held: %d batches", len(c.batches))
	}
	// bundle.time not reached, then reached.
	calc := op.(*pythonCalc)
	if err := calc.OnProcessingTime(now+50_000, c); err != nil || len(c.batches) != 0 {
		t.Fatalf("flushed before bundle.time: %v", err)
	}
	if err := calc.OnProcessingTime(now+100_000, c); err != nil {
		t.Fatal(err)
	}
	if len(c.batches) != 1 || c.batches[0].Cols[1].String() != "[2 3 4]" || c.batches[0].Kinds[2] != types.Delete {
		t.Fatalf("after bundle.time: %v", c.batches)
	}
	// 6 rows: one full chunk of 4 goes out at once; the rest at a flush.
	b2 := types.NewBatch(in, []arrow.Array{strs("d", "e", "f", "g", "h", "i"), pyInts(4, 5, 6, 7, 8, 9)}, nil, 6)
	if err := op.ProcessBatch(0, b2, c); err != nil {
		t.Fatal(err)
	}
	if err := calc.FlushBuffered(c); err != nil {
		t.Fatal(err)
	}
	var ys, ks []string
	for _, b := range c.batches[1:] {
		ys = append(ys, b.Cols[1].String())
		ks = append(ks, b.Cols[0].String())
	}
	if len(ys) != 2 || ys[0] != "[5 6 7 8]" || ys[1] != "[9 10]" || ks[1] != `["h" "i"]` {
		t.Fatalf("chunks: %v %v", ys, ks)
	}
}
