package filesystem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// partitionedSource reads a PARTITIONED BY table: the files under
// path/k1=v1/k2=v2/, whose partition columns come from the directory
// names (cast from the string to the column's type; the default partition
// name is NULL), as Flink's partition discovery. Partitions are read one
// after another, each by a plain source over its directory, so each
// subtask reads its share of every partition's files.
type partitionedSource struct {
	table  *connector.Table
	layout *partitionLayout
	task   connector.Task
	ctx    context.Context

	// out lists, per emitted column, the data column of the inner batch
	// (>= 0) or -1-k for partition key k.
	out       []int
	outSchema *types.Schema
	innerProj []int // data columns the inner sources emit

	parts  []partitionDir
	cur    int
	inner  *source
	consts []arrow.Array // current partition's key values, one row each
	zeros  []int32
	// resume is the restored position in partition cur, applied when it
	// opens (partition_source_checkpoint.go).
	resume []connector.SplitPosition
}

// partitionDir is one partition directory and its key values.
type partitionDir struct {
	dir    string
	values []string
}

var _ connector.Source = (*partitionedSource)(nil)

func newPartitionedSource(t *connector.Table, base *source) (connector.Source, error) {
	if base.monitor > 0 {
		return nil, &connector.ValidationError{Table: t.Name, Msg: fmt.Sprintf("option '%s' is not supported for partitioned tables yet", OptMonitorInterval)}
	}
	l, err := newPartitionLayout(t)
	if err != nil {
		return nil, err
	}
	s := &partitionedSource{table: t, layout: l}
	proj := t.Projection
	if proj == nil {
		proj = make([]int, t.Schema.Len())
		for i := range proj {
			proj[i] = i
		}
	}
	dataPos := make(map[int]int) // table column → position in innerProj
	fs := make([]types.Field, len(proj))
	for j, c := range proj {
		if c < 0 || c >= t.Schema.Len() {
			return nil, fmt.Errorf("table %s: projected column %d out of range", t.Name, c)
		}
		fs[j] = t.Schema.Fields[c]
		if k := indexOf(l.keyCols, c); k >= 0 {
			s.out = append(s.out, -1-k)
			continue
		}
		p, ok := dataPos[c]
		if !ok {
			p = len(s.innerProj)
			dataPos[c] = p
			s.innerProj = append(s.innerProj, indexOf(l.dataCols, c))
		}
		s.out = append(s.out, p)
	}
	if len(s.innerProj) == 0 {
		s.innerProj = []int{0} // rows still have to be counted
	}
	s.outSchema = types.NewSchema(fs...)
	return s, nil
}

func indexOf(xs []int, x int) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// Open discovers the partition directories.
func (s *partitionedSource) Open(ctx context.Context, task connector.Task) error {
	s.ctx, s.task = ctx, task
	if s.task.BatchSize <= 0 {
		s.task.BatchSize = 1024
	}
	root, err := localPath(s.table.Options[OptPath])
	if err != nil {
		return err
	}
	files, err := listFiles(root)
	if err != nil {
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			continue
		}
		dir := filepath.Dir(f)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		// Files outside a full k=v path are not part of any partition
		// (Flink lists only directories as deep as the partition keys).
		if values, ok := parsePartitionPath(rel, s.layout.keys); ok {
			s.parts = append(s.parts, partitionDir{dir: dir, values: values})
		}
	}
	sort.Slice(s.parts, func(i, j int) bool { return s.parts[i].dir < s.parts[j].dir })
	return nil
}

// Next returns the next batch of the current partition, with its
// partition columns filled in.
func (s *partitionedSource) Next(ctx context.Context) (*types.Batch, error) {
	for {
		if s.inner == nil {
			if s.cur >= len(s.parts) {
				return nil, io.EOF
			}
			if err := s.openPartition(s.parts[s.cur]); err != nil {
				return nil, err
			}
		}
		b, err := s.inner.Next(ctx)
		if errors.Is(err, io.EOF) {
			s.inner.Close()
			s.inner = nil
			s.cur++
			continue
		}
		if err != nil || b == nil {
			return b, err
		}
		return s.assemble(b), nil
	}
}

// openPartition opens a plain source over one partition's directory and
// converts its key values to their column types.
func (s *partitionedSource) openPartition(p partitionDir) error {
	defName := optOr(s.table.Options, OptPartitionDefault, defaultPartitionName)
	s.consts = s.consts[:0]
	for k, v := range p.values {
		t := s.table.Schema.Fields[s.layout.keyCols[k]].Type
		c, err := partitionValue(v, v == defName, t)
		if err != nil {
			return fmt.Errorf("table %s: partition %s: column %s: %w", s.table.Name, p.dir, s.layout.keys[k], err)
		}
		s.consts = append(s.consts, c)
	}
	t := s.layout.dataTable(s.table)
	t.Options = make(map[string]string, len(s.table.Options))
	for k, v := range s.table.Options {
		t.Options[k] = v
	}
	t.Options[OptPath] = p.dir
	t.Projection = s.innerProj
	src, err := newSource(t)
	if err != nil {
		return err
	}
	inner := src.(*source)
	if err := inner.Open(s.ctx, s.task); err != nil {
		return err
	}
	if s.resume != nil {
		if err := inner.RestorePosition(s.resume); err != nil {
			return err
		}
		s.resume = nil
	}
	s.inner = inner
	return nil
}

// partitionValue is a one-row array of the partition value v (NULL when
// isDefault) of type t.
func partitionValue(v string, isDefault bool, t types.DataType) (arrow.Array, error) {
	if isDefault {
		b := types.NewBuilder(t)
		b.AppendNull()
		return b.NewArray(), nil
	}
	lit := &expr.Literal{Value: v, T: types.String}
	if t.Kind == types.KindVarChar || t.Kind == types.KindChar {
		return lit.Eval(nil, types.NewBatch(types.NewSchema(), nil, nil, 1))
	}
	c, err := functions.NewCast(lit, t, false)
	if err != nil {
		return nil, err
	}
	return c.Eval(expr.NewContext(nil), types.NewBatch(types.NewSchema(), nil, nil, 1))
}

// assemble builds the emitted batch: the inner data columns and the
// partition columns repeated for every row.
func (s *partitionedSource) assemble(b *types.Batch) *types.Batch {
	n := b.Len()
	if cap(s.zeros) < n {
		s.zeros = make([]int32, n)
	}
	cols := make([]arrow.Array, len(s.out))
	for j, o := range s.out {
		if o >= 0 {
			cols[j] = b.Cols[o]
		} else {
			cols[j] = kernel.Take(s.consts[-1-o], s.zeros[:n])
		}
	}
	return types.NewBatch(s.outSchema, cols, nil, n)
}

// Close closes the partition being read.
func (s *partitionedSource) Close() error {
	if s.inner != nil {
		s.inner.Close()
		s.inner = nil
	}
	return nil
}
