package worker

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/pyudf/pyudftest"
)

func int64s(vals ...int64) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues(vals, nil)
	return b.NewArray()
}

func ip(i int) *int { return &i }

func start(t *testing.T, mode string, srcs []string, calls []CallSpec, outputs []int, result *arrow.Schema) *Process {
	t.Helper()
	py := pyudftest.Python(t)
	var infos []FunctionInfo
	var payloads [][]byte
	for i, s := range srcs {
		infos = append(infos, FunctionInfo{Name: "f" + string(rune('0'+i)), Kind: "scalar", FuncType: "general", Deterministic: true})
		payloads = append(payloads, pyudftest.Pickle(t, py, s))
	}
	o := FromConfig(map[string]string{KeyExecutable: py})
	p, err := Start(context.Background(), Setup{Options: o, Operator: "PythonCalc(test)", Parallelism: 1,
		Program:  Program{Mode: mode, Functions: infos, Calls: calls, Outputs: outputs},
		Payloads: payloads, Result: result})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return p
}

var argSchema = arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)

func TestChainedScalar(t *testing.T) {
	res := arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	p := start(t, "scalar", []string{"f = lambda x: x + 1", "f = lambda x: None if x is None else x * 10"},
		[]CallSpec{{Fn: 0, Args: []Arg{{Col: ip(0)}}}, {Fn: 1, Args: []Arg{{Call: ip(0)}}}}, []int{1}, res)
	cols, err := p.Eval(argSchema, []arrow.Array{int64s(1, 2, 3)}, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cols[0].String(); got != "[20 30 40]" {
		t.Fatalf("got %s", got)
	}
	if err := p.Close(nil); err != nil {
		t.Fatal(err)
	}
}

func TestUDFErrorHasTraceback(t *testing.T) {
	res := arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	p := start(t, "scalar", []string{"def f(x):\n    raise ValueError('boom %d' % x)"},
		[]CallSpec{{Fn: 0, Args: []Arg{{Col: ip(0)}}}}, []int{0}, res)
	_, err := p.Eval(argSchema, []arrow.Array{int64s(7)}, 1, nil)
	var ue *UDFError
	if !errors.As(err, &ue) {
		t.Fatalf("want UDFError, got %v", err)
	}
	for _, want := range []string{"f0", "PythonCalc(test)", "ValueError: boom 7", "Traceback", "line 2, in f"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
}

func TestWorkerCrash(t *testing.T) {
	res := arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	p := start(t, "scalar", []string{"import os, sys\ndef f(x):\n    sys.stderr.write('dying now\\n'); sys.stderr.flush(); os._exit(3)"},
		[]CallSpec{{Fn: 0, Args: []Arg{{Col: ip(0)}}}}, []int{0}, res)
	_, err := p.Eval(argSchema, []arrow.Array{int64s(1)}, 1, nil)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 || !strings.Contains(err.Error(), "dying now") {
		t.Fatalf("want exit code 3 with stderr, got %v", err)
	}
}

func TestTableMode(t *testing.T) {
	res := arrow.NewSchema([]arrow.Field{
		{Name: "w", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "$parent", Type: arrow.PrimitiveTypes.Int32}}, nil)
	p := start(t, "table", []string{"def f(x):\n    for i in range(x):\n        yield str(i), i * 2"},
		[]CallSpec{{Fn: 0, Args: []Arg{{Col: ip(0)}}}}, []int{0}, res)
	cols, err := p.Eval(argSchema, []arrow.Array{int64s(2, 0, 1)}, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cols[0].String() + cols[1].String() + cols[2].String(); got != `["0" "1" "0"][0 2 0][0 0 2]` {
		t.Fatalf("got %s", got)
	}
}

func TestMetricsAndOpen(t *testing.T) {
	res := arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	src := `
class F(object):
    def open(self, ctx):
        self.c = ctx.get_metric_group().counter("calls")
        self.k = int(ctx.get_job_parameter("k", "5"))
    def eval(self, x):
        self.c.inc()
        return x + self.k
f = F()`
	p := start(t, "scalar", []string{src}, []CallSpec{{Fn: 0, Args: []Arg{{Col: ip(0)}}}}, []int{0}, res)
	var m Metrics
	cols, err := p.Eval(argSchema, []arrow.Array{int64s(1, 2)}, 2, &m)
	if err != nil {
		t.Fatal(err)
	}
	if cols[0].String() != "[6 7]" || m.Counters["calls"] != 2 {
		t.Fatalf("got %s, metrics %v", cols[0], m)
	}
}

func TestOpenFailureSurfaces(t *testing.T) {
	res := arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	src := "class F(object):\n    def open(self, ctx):\n        raise RuntimeError('cannot open')\n    def eval(self, x):\n        return x\nf = F()"
	p := start(t, "scalar", []string{src}, []CallSpec{{Fn: 0, Args: []Arg{{Col: ip(0)}}}}, []int{0}, res)
	_, err := p.Eval(argSchema, []arrow.Array{int64s(1)}, 1, nil)
	var ue *UDFError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "cannot open") || !strings.Contains(err.Error(), "Traceback") {
		t.Fatalf("want the open() failure with its traceback, got %v", err)
	}
}

func TestManyInFlight(t *testing.T) {
	res := arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	p := start(t, "scalar", []string{"f = lambda x: x * 2"}, []CallSpec{{Fn: 0, Args: []Arg{{Col: ip(0)}}}}, []int{0}, res)
	// Far more data in flight than the pipes hold: the reader keeps the
	// worker's output flowing while the engine writes.
	big := make([]int64, 50000)
	for i := range big {
		big[i] = int64(i)
	}
	col := int64s(big...)
	for i := 0; i < 20; i++ {
		if err := p.Send(argSchema, []arrow.Array{col}, len(big)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 20; i++ {
		out, err := p.Receive(nil)
		if err != nil {
			t.Fatal(err)
		}
		if out[0].Len() != len(big) {
			t.Fatalf("got %d rows", out[0].Len())
		}
	}
	if err := p.Close(nil); err != nil {
		t.Fatal(err)
	}
}

func batchOf(cols ...arrow.Array) arrow.RecordBatch {
	return array.NewRecordBatch(argSchema, cols, int64(cols[0].Len()))
}
