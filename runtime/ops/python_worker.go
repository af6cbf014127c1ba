package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/pyudf/worker"
)

// pyWorker is a subtask's Python worker process plus the metrics its
// functions report, forwarded into the operator's metric group.
type pyWorker struct {
	p       *worker.Process
	metrics *metrics.Group
	m       worker.Metrics
}

func startWorker(ctx *OpContext, o worker.Options, display string, prog worker.Program, payloads [][]byte, result *arrow.Schema) (*pyWorker, error) {
	p, err := worker.Start(ctx.Ctx, worker.Setup{Options: o, Operator: display, Subtask: ctx.Subtask,
		Parallelism: ctx.Parallelism, Program: prog, Payloads: payloads, Result: result})
	if err != nil {
		return nil, err
	}
	return &pyWorker{p: p, metrics: ctx.Metrics}, nil
}

func (w *pyWorker) eval(schema *arrow.Schema, args []arrow.Array, rows int) ([]arrow.Array, error) {
	res, err := w.p.Eval(schema, args, rows, &w.m)
	w.flushMetrics()
	if err != nil {
		w.p.Kill()
	}
	return res, err
}

// flushMetrics adds the counter increments reported so far to the
// operator's metrics and sets its gauges.
func (w *pyWorker) send(schema *arrow.Schema, args []arrow.Array, rows int) error {
	err := w.p.Send(schema, args, rows)
	if err != nil {
		w.p.Kill()
	}
	return err
}

func (w *pyWorker) receive() ([]arrow.Array, error) {
	res, err := w.p.Receive(&w.m)
	w.flushMetrics()
	if err != nil {
		w.p.Kill()
	}
	return res, err
}

func (w *pyWorker) flushMetrics() {
	if w.metrics != nil {
		for k, v := range w.m.Counters {
			w.metrics.Counter(k).Add(v)
		}
		for k, v := range w.m.Gauges {
			w.metrics.Gauge(k).Set(v)
		}
	}
	clear(w.m.Counters)
	clear(w.m.Gauges)
}

func (w *pyWorker) close() error {
	err := w.p.Close(&w.m)
	w.flushMetrics()
	return err
}
