package physical

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// sinkInfo is what the changelog check needs to know about a sink.
type sinkInfo struct {
	path   catalog.ObjectPath
	accept types.ChangelogMode
}

func lookupFactory(path catalog.ObjectPath, opts map[string]string) (*connector.Factory, error) {
	name, ok := opts["connector"]
	if !ok {
		return nil, errorf(ErrConnector, fmt.Sprintf("Table options do not contain an option key 'connector' for discovering a connector. Table: %s", path))
	}
	f, err := connector.Lookup(name)
	if err != nil {
		return nil, &Error{Kind: ErrConnector, Msg: err.Error()}
	}
	return f, nil
}

func tablePath(p catalog.ObjectPath) string {
	return "[[" + strings.Join(p.Parts(), ", ") + "]]"
}

// projectInSource names the connectors Flink pushes projections into
// (SupportsProjectionPushDown). Until such a connector reads projected
// columns itself (Factory.SupportsProjection), its batches are narrowed
// right at the source (connector.ProjectSource), so plans print as
// Flink's: TableSourceScan(table=[[..., project=[a, b]]], fields=[a, b]).
var projectInSource = map[string]bool{"filesystem": true}

// scan plans a TableSourceScan. A projection pushed into the scan goes
// into the source for connectors that take it (see projectInSource);
// otherwise it becomes a Calc right after the scan (a zero-copy column
// selection). Pushed filters go to a factory whose SupportsFilterPushDown
// accepts them, else into a Calc filter right above the scan.
func (t *translator) scan(s *plan.Scan) (*Node, error) {
	tbl := s.ConnectorTable()
	opts, full := tbl.Options, tbl.Schema
	f, err := lookupFactory(s.Path, opts)
	if err != nil {
		return nil, err
	}
	if f.NewSource == nil {
		return nil, errorf(ErrConnector, fmt.Sprintf("Connector '%s' can only be used as a sink. It cannot be used as a source.", f.Name))
	}
	unbounded := f.SourceBounded == nil || !f.SourceBounded(opts)
	if t.opts.Batch && f.SourceBounded != nil && unbounded {
		return nil, errorf(ErrUnsupported, fmt.Sprintf("Querying an unbounded table '%s' in batch mode is not allowed. The table source is unbounded.", s.Path))
	}
	p := t.opts.Parallelism
	if f.SourceParallelism != nil {
		if c := f.SourceParallelism(opts); c > 0 && c < p {
			p = c
		}
	}
	mode := types.ModeInsertOnly
	if f.SourceMode != nil && !t.opts.Batch {
		mode = f.SourceMode(opts)
	}
	path, out, fac := tablePath(s.Path), full, f
	cols := s.ProjectedColumns
	if cols != nil && !identityCols(cols, full.Len()) && (f.SupportsProjection || projectInSource[f.Name]) {
		out = &types.Schema{}
		for _, c := range cols {
			out.Fields = append(out.Fields, full.Fields[c])
		}
		path = strings.TrimSuffix(path, "]]") + ", project=[" + strings.Join(out.Names(), ", ") + "]]]"
		tbl.Projection = cols
		if !f.SupportsProjection {
			fac = projectingFactory(f, cols, out)
		}
		cols = nil
	}
	filters := s.PushedFilters
	if f.SupportsFilterPushDown != nil && len(filters) > 0 {
		var rest []expr.Expr
		for _, c := range filters {
			if f.SupportsFilterPushDown(opts, c) {
				tbl.Filters = append(tbl.Filters, c)
			} else {
				rest = append(rest, c)
			}
		}
		if len(tbl.Filters) > 0 && cols == nil {
			path = strings.TrimSuffix(path, "]]") + ", filter=[" + formatFilters(tbl.Filters, out) + "]]]"
			filters = rest
		} else {
			tbl.Filters = nil // filters over unprojected columns stay in a Calc
		}
	}
	n := &Node{
		Name: "TableSourceScan", Desc: "table=" + path + ", fields=[" + strings.Join(out.Names(), ", ") + "]",
		Schema: out, Parallelism: p,
		Spec:      &ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{Factory: fac, Table: tbl}},
		generates: constMode(mode),
		unbounded: unbounded,
	}
	if cols != nil {
		n = project(n, cols)
	}
	for _, cond := range filters {
		cfg := &ops.CalcConfig{Filter: cond, InSchema: n.Schema, OutSchema: n.Schema}
		n = &Node{
			Name: "Calc", Desc: "select=[" + strings.Join(n.Schema.Names(), ", ") + "], where=[" + formatExpr(cond, n.Schema) + "]",
			Inputs: []*Node{n}, Schema: n.Schema, Parallelism: n.Parallelism,
			Spec: &ops.Spec{Kind: ops.KindCalc, Config: cfg},
		}
	}
	return n, nil
}

// sink plans a Sink writing its input into a connector table.
func (t *translator) sink(s *plan.Sink) (*Node, error) {
	tbl := s.ConnectorTable()
	opts, schema := tbl.Options, tbl.Schema
	f, err := lookupFactory(s.Path, opts)
	if err != nil {
		return nil, err
	}
	if f.NewSink == nil {
		return nil, errorf(ErrConnector, fmt.Sprintf("Connector '%s' can only be used as a source. It cannot be used as a sink.", f.Name))
	}
	in, err := t.translate(s.Input)
	if err != nil {
		return nil, err
	}
	if schema.Len() != in.Schema.Len() {
		return nil, errorf(ErrInternal, fmt.Sprintf("sink %s has %d columns but its input has %d", s.Path, schema.Len(), in.Schema.Len()))
	}
	accept := types.ModeInsertOnly
	if f.SinkMode != nil {
		accept = f.SinkMode(opts)
	}
	if f.SinkModeForTable != nil {
		accept = f.SinkModeForTable(tbl)
	}
	if s.Overwrite && !t.opts.Batch {
		// Flink's FileSystemTableSink: overwrite replaces data at the end
		// of a bounded job, which a stream never reaches.
		return nil, errorf(ErrUnsupported, "Streaming mode not support overwrite.")
	}
	desc := "table=[" + s.Path.String() + "], fields=[" + strings.Join(in.Schema.Names(), ", ") + "]"
	if s.Overwrite {
		desc += ", overwrite=[true]"
	}
	return &Node{
		Name: "Sink", Desc: desc, Inputs: []*Node{in}, Schema: schema, Parallelism: in.Parallelism,
		Spec: &ops.Spec{Kind: ops.KindSink, Config: &ops.SinkConfig{Factory: f, Table: tbl}},
		sink: &sinkInfo{path: s.Path, accept: accept},
	}, nil
}

// projectingFactory is f with sources narrowed to the columns cols.
func projectingFactory(f *connector.Factory, cols []int, out *types.Schema) *connector.Factory {
	pf := *f
	pf.NewSource = func(t *connector.Table) (connector.Source, error) {
		src, err := f.NewSource(t)
		if err != nil {
			return nil, err
		}
		return connector.ProjectSource(src, cols, out), nil
	}
	return &pf
}

func formatFilters(cs []expr.Expr, in *types.Schema) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = formatExpr(c, in)
	}
	return strings.Join(parts, ", ")
}
