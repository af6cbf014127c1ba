package filesystem

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// partitionedSink writes a PARTITIONED BY table: each row goes under
// path/k1=v1/k2=v2/ into the part file of its partition, without the
// partition columns (they live in the directory names, as in Flink). Every
// open partition has its own in-progress file, rolled and committed by a
// plain sink writing into the partition directory.
type partitionedSink struct {
	table  *connector.Table
	layout *partitionLayout
	data   *connector.Table // table of the per-partition sinks
	root   string
	id     string
	// rollSize and rollTime are the rolling policy of every partition.
	rollSize   int64
	rollTime   time.Duration
	inactivity time.Duration
	policy     *commitPolicy
	task       connector.Task
	ctx        context.Context
	parts      map[string]*partWriter // by encoded partition values
	ordered    []*partWriter          // in creation order, for deterministic commits

	// Per-batch scratch, reused so grouping allocates nothing per row.
	keyBuf []byte
	keys   []arrow.Array
	slotOf []int32 // slot of each row
	slots  []*partWriter
	starts []int32
	idx    []int32
	fill   []int32 // next free position of each slot in idx
	ripe   []*partWriter

	// With checkpointing (partition_checkpoint.go) files become visible
	// and partitions are committed when checkpoints complete.
	ckpt     bool
	wm       int64             // the last watermark (partition-time trigger)
	toCommit []partitionCommit // partitions due, by checkpoint id
	wmAt     []checkpointWM    // the watermark of each pre-committed checkpoint
}

// partWriter is one partition this subtask writes.
type partWriter struct {
	rel    string   // k1=v1/k2=v2
	values []string // unescaped values ("" for NULL)
	sink   *sink
	slot   int32 // index in the current batch's slots, -1 if none
	// created is when the partition's current uncommitted data began
	// (process-time trigger); zero when all its data is committed.
	created time.Time
	// partTime is the partition's time (µs) for the partition-time trigger.
	partTime int64
}

var (
	_ connector.Sink          = (*partitionedSink)(nil)
	_ connector.WatermarkSink = (*partitionedSink)(nil)
)

func newPartitionedSink(t *connector.Table, base *sink) (connector.Sink, error) {
	l, err := newPartitionLayout(t)
	if err != nil {
		return nil, err
	}
	p, err := newCommitPolicy(t, l)
	if err != nil {
		return nil, err
	}
	return &partitionedSink{table: t, layout: l, data: l.dataTable(t), root: base.dir, id: base.id,
		rollSize: base.rollSize, rollTime: base.rollTime, inactivity: base.inactivity, wm: math.MinInt64,
		policy: p, parts: map[string]*partWriter{}, keys: make([]arrow.Array, len(l.keyCols))}, nil
}

// newPart opens the sink of partition rel, a plain sink of the data
// columns writing into the partition's directory.
func (s *partitionedSink) newPart(rel string, values []string) (*partWriter, error) {
	ps := &sink{table: s.data, dir: filepath.Join(s.root, rel), root: s.root, id: s.id,
		rollSize: s.rollSize, rollTime: s.rollTime, inactivity: s.inactivity}
	if err := ps.Open(s.ctx, s.task); err != nil {
		return nil, err
	}
	w := &partWriter{rel: rel, values: values, sink: ps, slot: -1}
	if s.policy.partitionTimeCommits() {
		var err error
		if w.partTime, err = s.policy.partitionTime(values); err != nil {
			return nil, err
		}
	}
	s.ordered = append(s.ordered, w)
	return w, nil
}

// Open remembers the task; partitions open as their first row arrives.
func (s *partitionedSink) Open(ctx context.Context, task connector.Task) error {
	s.ctx, s.task, s.ckpt = ctx, task, task.Checkpointing
	return s.policy.open(task)
}

// Write groups the rows of b by partition and hands each group, without
// the partition columns, to its partition's sink.
func (s *partitionedSink) Write(ctx context.Context, b *types.Batch) error {
	if err := checkInsertOnly(s.table.Name, b); err != nil {
		return err
	}
	n := b.Len()
	if n == 0 {
		return s.commitDue(time.Now())
	}
	for j, c := range s.layout.keyCols {
		s.keys[j] = b.Cols[c]
	}
	s.slotOf = grow(s.slotOf, n)
	s.slots = s.slots[:0]
	for i := 0; i < n; i++ {
		s.keyBuf = kernel.AppendKey(s.keyBuf[:0], s.keys, i)
		w, ok := s.parts[string(s.keyBuf)]
		if !ok {
			var err error
			if w, err = s.openPartition(i); err != nil {
				return err
			}
		}
		if w.slot < 0 {
			w.slot = int32(len(s.slots))
			s.slots = append(s.slots, w)
		}
		s.slotOf[i] = w.slot
	}
	defer s.resetSlots()
	if len(s.slots) == 1 {
		if err := s.writePart(ctx, s.slots[0], s.project(b, nil), n); err != nil {
			return err
		}
		return s.commitDue(time.Now())
	}
	s.groupRows(n)
	for k, w := range s.slots {
		rows := s.idx[s.starts[k]:s.starts[k+1]]
		if err := s.writePart(ctx, w, s.project(b, rows), len(rows)); err != nil {
			return err
		}
	}
	return s.commitDue(time.Now())
}

// groupRows counting-sorts the row indexes by slot into idx, slot k's
// rows being idx[starts[k]:starts[k+1]] in input order.
func (s *partitionedSink) groupRows(n int) {
	s.starts = grow(s.starts, len(s.slots)+1)
	clear(s.starts)
	for _, k := range s.slotOf[:n] {
		s.starts[k+1]++
	}
	for k := 1; k < len(s.starts); k++ {
		s.starts[k] += s.starts[k-1]
	}
	s.idx = grow(s.idx, n)
	s.fill = grow(s.fill, len(s.slots))
	copy(s.fill, s.starts[:len(s.slots)])
	for i, k := range s.slotOf[:n] {
		s.idx[s.fill[k]] = int32(i)
		s.fill[k]++
	}
}

// project returns the data columns of b at rows (all rows when nil).
func (s *partitionedSink) project(b *types.Batch, rows []int32) []arrow.Array {
	cols := make([]arrow.Array, len(s.layout.dataCols))
	for j, c := range s.layout.dataCols {
		if rows == nil {
			cols[j] = b.Cols[c]
		} else {
			cols[j] = kernel.Take(b.Cols[c], rows)
		}
	}
	return cols
}

func (s *partitionedSink) writePart(ctx context.Context, w *partWriter, cols []arrow.Array, n int) error {
	if w.created.IsZero() {
		w.created = time.Now()
	}
	return w.sink.Write(ctx, types.NewBatch(s.layout.data, cols, nil, n))
}

func (s *partitionedSink) resetSlots() {
	for _, w := range s.slots {
		w.slot = -1
	}
	s.slots = s.slots[:0]
}

// openPartition opens the partition of row i (first seen by this
// subtask), computing its directory from the row's partition values.
func (s *partitionedSink) openPartition(i int) (*partWriter, error) {
	values := make([]string, len(s.keys))
	for j, a := range s.keys {
		if a.IsNull(i) {
			continue
		}
		values[j] = types.Format(types.Value(a, i), s.table.Schema.Fields[s.layout.keyCols[j]].Type, time.UTC, "")
	}
	w, err := s.newPart(partitionPath(s.layout.keys, values, s.policy.defaultName), values)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	s.parts[string(s.keyBuf)] = w
	return w, nil
}

// commitDue commits the partitions whose process-time trigger fired.
func (s *partitionedSink) commitDue(now time.Time) error {
	if !s.policy.streamingCommits() || s.ckpt {
		return nil
	}
	for _, w := range s.ordered {
		if s.policy.due(w, now) {
			if err := s.commitPartition(w); err != nil {
				return err
			}
		}
	}
	return nil
}

// commitPartition makes w's data visible (commits its in-progress part
// file) and applies the commit policy.
func (s *partitionedSink) commitPartition(w *partWriter) error {
	if err := w.sink.commit(); err != nil {
		return err
	}
	if err := s.policy.commit(w); err != nil {
		return fmt.Errorf("table %s: committing partition %s: %w", s.table.Name, w.rel, err)
	}
	w.created = time.Time{}
	return nil
}

// WriteWatermark commits the partitions whose time plus the delay the
// watermark passed (the partition-time trigger).
func (s *partitionedSink) WriteWatermark(_ context.Context, wm int64) error {
	if !s.policy.partitionTimeCommits() {
		return nil
	}
	if s.ckpt {
		s.wm = max(s.wm, wm) // checkpoints commit (PreCommit)
		return nil
	}
	s.ripe = s.ripe[:0]
	for _, w := range s.ordered {
		if s.policy.ripe(w, wm) {
			if err := w.sink.commit(); err != nil {
				return err
			}
			w.created = time.Time{}
			s.ripe = append(s.ripe, w)
		}
	}
	return s.policy.advance(s.ripe, wm)
}

// Finish commits every partition's last part file (removing, for INSERT
// OVERWRITE, the files the written partitions held before), then commits
// the partitions once every subtask has finished.
func (s *partitionedSink) Finish(context.Context) error {
	for _, w := range s.ordered {
		if err := w.sink.Finish(s.ctx); err != nil {
			return err
		}
	}
	return s.policy.finish(s.ordered)
}

// Close drops uncommitted in-progress files.
func (s *partitionedSink) Close() error {
	for _, w := range s.ordered {
		w.sink.Close()
	}
	return nil
}

// grow returns buf resized to n, reusing its array when large enough.
func grow(buf []int32, n int) []int32 {
	if cap(buf) < n {
		return make([]int32, n)
	}
	return buf[:n]
}
