package physical

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/connector"
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

// scan plans a TableSourceScan. The connector reads the table's whole
// source schema: connectors are not asked to project, so a projection
// pushed into the scan becomes a Calc right after it (a zero-copy column
// selection), and pushed filters a Calc filter.
func (t *translator) scan(s *plan.Scan) (*Node, error) {
	opts := s.Options
	if opts == nil {
		opts = s.Table.Options
	}
	f, err := lookupFactory(s.Path, opts)
	if err != nil {
		return nil, err
	}
	if f.NewSource == nil {
		return nil, errorf(ErrConnector, fmt.Sprintf("Connector '%s' can only be used as a sink. It cannot be used as a source.", f.Name))
	}
	if t.opts.Batch && f.SourceBounded != nil && !f.SourceBounded(opts) {
		return nil, errorf(ErrUnsupported, fmt.Sprintf("Querying an unbounded table '%s' in batch mode is not allowed. The table source is unbounded.", s.Path))
	}
	full := s.Table.SourceSchema()
	p := t.opts.Parallelism
	if f.SourceParallelism != nil {
		if c := f.SourceParallelism(opts); c > 0 && c < p {
			p = c
		}
	}
	tbl := &connector.Table{Name: s.Path.String(), Schema: full, PrimaryKey: full.PrimaryKey, Options: opts}
	mode := types.ModeInsertOnly
	if f.SourceMode != nil && !t.opts.Batch {
		mode = f.SourceMode(opts)
	}
	n := &Node{
		Name: "TableSourceScan", Desc: "table=" + tablePath(s.Path) + ", fields=[" + strings.Join(full.Names(), ", ") + "]",
		Schema: full, Parallelism: p,
		Spec:      &ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{Factory: f, Table: tbl}},
		generates: constMode(mode),
		unbounded: f.SourceBounded == nil || !f.SourceBounded(opts),
	}
	if s.ProjectedColumns != nil {
		n = project(n, s.ProjectedColumns)
	}
	for _, cond := range s.PushedFilters {
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
	opts := s.Options
	if opts == nil {
		opts = s.Table.Options
	}
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
	schema := s.Table.SinkSchema()
	if schema.Len() != in.Schema.Len() {
		return nil, errorf(ErrInternal, fmt.Sprintf("sink %s has %d columns but its input has %d", s.Path, schema.Len(), in.Schema.Len()))
	}
	accept := types.ModeInsertOnly
	if f.SinkMode != nil {
		accept = f.SinkMode(opts)
	}
	tbl := &connector.Table{Name: s.Path.String(), Schema: schema, PrimaryKey: schema.PrimaryKey, Options: opts}
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
