package runtime

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// scriptedSource emits its events in order: a row batch ("a1"), a barrier
// ("#2") or a wait for the gate to open ("wait").
type scriptedSource struct {
	events  []string
	gate    chan struct{}
	pending int64
}

func (s *scriptedSource) Open(context.Context, connector.Task) error { return nil }
func (s *scriptedSource) Close() error                               { return nil }

func (s *scriptedSource) Next(ctx context.Context) (*types.Batch, error) {
	if s.pending != 0 {
		return nil, nil
	}
	if len(s.events) == 0 {
		return nil, io.EOF
	}
	e := s.events[0]
	switch {
	case e == "wait":
		select {
		case <-s.gate:
			s.events = s.events[1:]
		case <-time.After(5 * time.Millisecond):
		case <-ctx.Done():
		}
		return nil, nil
	case strings.HasPrefix(e, "#"):
		var id int64
		fmt.Sscanf(e, "#%d", &id)
		s.pending = id
		s.events = s.events[1:]
		return nil, nil
	}
	s.events = s.events[1:]
	bb := types.NewBatchBuilder(wordSchema)
	bb.Add(types.Insert, []any{e, int32(1)})
	return bb.Build(), nil
}

func (s *scriptedSource) TakeBarrier() (int64, bool) {
	id := s.pending
	s.pending = 0
	return id, id != 0
}

func scriptedSpec(name string, src *scriptedSource) ops.Spec {
	return ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
		Factory: &connector.Factory{Name: name, NewSource: func(*connector.Table) (connector.Source, error) { return src, nil }},
		Table:   &connector.Table{Name: "default_catalog.default_database." + name, Schema: wordSchema},
	}}
}

// markedRows reads a collect channel into rows and "|n" barrier markers.
func markedRows(ch <-chan *types.Batch) []string {
	var out []string
	for b := range ch {
		if id, ok := ops.BarrierOf(b); ok {
			out = append(out, fmt.Sprintf("|%d", id))
			continue
		}
		for i := 0; i < b.Len(); i++ {
			out = append(out, fmt.Sprint(b.Row(i)[0]))
		}
	}
	return out
}

// steps splits marked rows at the markers, sorting each step's rows.
func steps(rows []string) []string {
	var out []string
	var cur []string
	for _, r := range rows {
		if strings.HasPrefix(r, "|") {
			slices.Sort(cur)
			out = append(out, strings.Join(cur, ",")+r)
			cur = nil
			continue
		}
		cur = append(cur, r)
	}
	slices.Sort(cur)
	return append(out, strings.Join(cur, ","))
}

// TestBarrierAlignment checks that a task with two input channels holds
// back the rows a fast channel sends after its barrier until the slow
// channel delivers the same barrier, for a union and for a parallel hash
// exchange in between.
func TestBarrierAlignment(t *testing.T) {
	for _, par := range []int{1, 3} {
		t.Run(fmt.Sprintf("p%d", par), func(t *testing.T) {
			gate := make(chan struct{})
			fast := &scriptedSource{events: []string{"a1", "#1", "a2", "a3", "#2", "a4"}}
			slow := &scriptedSource{events: []string{"b1", "wait", "#1", "b2", "#2", "b3"}, gate: gate}
			ch := make(chan *types.Batch, 64)
			g := &JobGraph{
				Vertices: []*Vertex{
					{ID: 1, Parallelism: 1, Chain: []ops.Spec{scriptedSpec("fast", fast)}},
					{ID: 2, Parallelism: 1, Chain: []ops.Spec{scriptedSpec("slow", slow)}},
					{ID: 3, Parallelism: par, Chain: []ops.Spec{calcSpec()}},
					{ID: 4, Parallelism: 1, Chain: []ops.Spec{{Kind: ops.KindCollect, Config: &ops.CollectConfig{Out: ch}}}},
				},
				Edges: []*Edge{
					{From: 1, To: 3, Partition: Hash, Keys: []int{0}},
					{From: 2, To: 3, Partition: Hash, Keys: []int{0}},
					{From: 3, To: 4, Partition: Global},
				},
			}
			job, err := Execute(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			// Let the fast source run ahead before the slow one's barrier.
			time.Sleep(50 * time.Millisecond)
			close(gate)
			got := steps(markedRows(ch))
			if err := job.Wait(); err != nil {
				t.Fatal(err)
			}
			want := []string{"a1,b1|1", "a2,a3,b2|2", "a4,b3"}
			if !slices.Equal(got, want) {
				t.Errorf("steps = %q, want %q", got, want)
			}
		})
	}
}

// TestBarrierOutOfOrder checks that a source repeating a barrier id fails
// the job with a BarrierError instead of corrupting alignment.
func TestBarrierOutOfOrder(t *testing.T) {
	src := &scriptedSource{events: []string{"a1", "#2", "a2", "#1"}}
	ch := make(chan *types.Batch, 64)
	g := &JobGraph{Vertices: []*Vertex{{ID: 1, Parallelism: 1, Chain: []ops.Spec{
		scriptedSpec("s", src), {Kind: ops.KindCollect, Config: &ops.CollectConfig{Out: ch}}}}}}
	job, err := Execute(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	markedRows(ch)
	err = job.Wait()
	if _, ok := err.(*BarrierError); !ok {
		t.Fatalf("err = %v (%T), want *BarrierError", err, err)
	}
}

// timerOp records the processing times it is called with and emits a row
// at each call whose time is new.
type timerOp struct {
	ops.BaseOperator
	mu    sync.Mutex
	calls []int64
	last  int64
}

func (o *timerOp) ProcessBatch(_ int, b *types.Batch, out ops.Collector) error { return out.Emit(b) }
func (o *timerOp) String() string                                              { return "timer" }
func (o *timerOp) OnProcessingTime(now int64, out ops.Collector) error {
	o.mu.Lock()
	o.calls = append(o.calls, now)
	o.mu.Unlock()
	if now == o.last {
		return nil
	}
	o.last = now
	bb := types.NewBatchBuilder(wordSchema)
	bb.Add(types.Insert, []any{fmt.Sprintf("t%d", now), int32(0)})
	return out.Emit(bb.Build())
}

// TestProcessingTimeTicks checks that processing-time operators see the
// job clock periodically while waiting and right before each barrier, so
// a timer due at the clock's new time fires before the barrier passes.
func TestProcessingTimeTicks(t *testing.T) {
	var clock atomic.Int64
	clock.Store(1)
	gate := make(chan struct{})
	src := &scriptedSource{events: []string{"a1", "wait", "#1", "a2", "#2"}, gate: gate}
	op := &timerOp{}
	ch := make(chan *types.Batch, 64)
	g := &JobGraph{
		Vertices: []*Vertex{
			{ID: 1, Parallelism: 1, Chain: []ops.Spec{scriptedSpec("s", src)}},
			{ID: 2, Parallelism: 1, Chain: []ops.Spec{testSpec(func() ops.Operator { return op }), {Kind: ops.KindCollect, Config: &ops.CollectConfig{Out: ch}}}},
		},
		Edges: []*Edge{{From: 1, To: 2, Partition: Hash, Keys: []int{0}}},
	}
	job, err := Execute(context.Background(), g, Options{Clock: clock.Load})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * TickInterval)
	op.mu.Lock()
	waiting := len(op.calls)
	op.mu.Unlock()
	if waiting < 1 {
		t.Errorf("no tick while waiting for input %v", 3*TickInterval)
	}
	clock.Store(5)
	close(gate)
	got := steps(markedRows(ch))
	if err := job.Wait(); err != nil {
		t.Fatal(err)
	}
	// t1 fires on the first tick; t5 at the latest right before barrier 1.
	want := []string{"a1,t1,t5|1", "a2|2", ""}
	if !slices.Equal(got, want) {
		t.Errorf("steps = %q, want %q", got, want)
	}
}

// TestBarrierEndedChannel checks that a channel that ended no longer owes
// barriers: the other channel's barrier completes the alignment alone.
func TestBarrierEndedChannel(t *testing.T) {
	gate := make(chan struct{})
	short := &scriptedSource{events: []string{"a1", "#1", "a2"}}
	long := &scriptedSource{events: []string{"b1", "#1", "wait", "b2", "#2", "b3", "#3"}, gate: gate}
	ch := make(chan *types.Batch, 64)
	g := &JobGraph{
		Vertices: []*Vertex{
			{ID: 1, Parallelism: 1, Chain: []ops.Spec{scriptedSpec("short", short)}},
			{ID: 2, Parallelism: 1, Chain: []ops.Spec{scriptedSpec("long", long)}},
			{ID: 3, Parallelism: 1, Chain: []ops.Spec{{Kind: ops.KindCollect, Config: &ops.CollectConfig{Out: ch}}}},
		},
		Edges: []*Edge{
			{From: 1, To: 3, Partition: Forward},
			{From: 2, To: 3, Partition: Forward},
		},
	}
	job, err := Execute(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	close(gate)
	got := steps(markedRows(ch))
	if err := job.Wait(); err != nil {
		t.Fatal(err)
	}
	want := []string{"a1,b1|1", "a2,b2|2", "b3|3", ""}
	if !slices.Equal(got, want) {
		t.Errorf("steps = %q, want %q", got, want)
	}
}

// twoInputs tags each row with the input it came in on and records the
// barriers it sees through OnBarrier.
type twoInputs struct {
	ops.BaseOperator
	barriers []int64
}

func (o *twoInputs) String() string { return "TwoInputs" }
func (o *twoInputs) ProcessBatch(in int, b *types.Batch, out ops.Collector) error {
	bb := types.NewBatchBuilder(wordSchema)
	for i := 0; i < b.Len(); i++ {
		bb.Add(types.Insert, []any{fmt.Sprintf("%d:%v", in, b.Row(i)[0]), int32(0)})
	}
	return out.Emit(bb.Build())
}
func (o *twoInputs) OnBarrier(id int64, out ops.Collector) error {
	o.barriers = append(o.barriers, id)
	bb := types.NewBatchBuilder(wordSchema)
	bb.Add(types.Insert, []any{fmt.Sprintf("on%d", id), int32(0)})
	return out.Emit(bb.Build()) // rows emitted in OnBarrier precede the barrier
}

// TestBarrierTwoInputOperator checks alignment across the two inputs of
// one operator (as a join has) and that OnBarrier runs once per barrier,
// after the rows before it and before the barrier goes on.
func TestBarrierTwoInputOperator(t *testing.T) {
	gate := make(chan struct{})
	left := &scriptedSource{events: []string{"a1", "#1", "a2", "#2"}}
	right := &scriptedSource{events: []string{"b1", "wait", "#1", "b2", "#2"}, gate: gate}
	op := &twoInputs{}
	ch := make(chan *types.Batch, 64)
	g := &JobGraph{
		Vertices: []*Vertex{
			{ID: 1, Parallelism: 1, Chain: []ops.Spec{scriptedSpec("left", left)}},
			{ID: 2, Parallelism: 1, Chain: []ops.Spec{scriptedSpec("right", right)}},
			{ID: 3, Parallelism: 1, Chain: []ops.Spec{testSpec(func() ops.Operator { return op }),
				{Kind: ops.KindCollect, Config: &ops.CollectConfig{Out: ch}}}},
		},
		Edges: []*Edge{
			{From: 1, To: 3, Input: 0, Partition: Forward},
			{From: 2, To: 3, Input: 1, Partition: Forward},
		},
	}
	job, err := Execute(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	close(gate)
	got := steps(markedRows(ch))
	if err := job.Wait(); err != nil {
		t.Fatal(err)
	}
	want := []string{"0:a1,1:b1,on1|1", "0:a2,1:b2,on2|2", ""}
	if !slices.Equal(got, want) || !slices.Equal(op.barriers, []int64{1, 2}) {
		t.Errorf("steps = %q, barriers %v; want %q, [1 2]", got, op.barriers, want)
	}
}
