package plan

import (
	"fmt"
	"maps"
	"strings"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// Apply executes a catalog statement (CREATE/DROP TABLE, VIEW, FUNCTION,
// DATABASE, CATALOG; USE) against the binder's catalog. It reports false
// for statements that are not catalog statements.
func (b *Binder) Apply(st sql.Stmt) (bool, error) {
	var err error
	switch st := st.(type) {
	case *sql.CreateTable:
		var t *catalog.Table
		if t, err = b.BindCreateTable(st); err == nil {
			err = b.Catalog.CreateTable(t, st.IfNotExists)
		}
	case *sql.CreateView:
		var v *catalog.View
		if v, err = b.BindCreateView(st); err == nil {
			err = b.Catalog.CreateView(v, st.IfNotExists)
		}
	case *sql.DropTable:
		var p catalog.ObjectPath
		if p, err = b.Catalog.Qualify(st.Name.Parts); err == nil {
			err = b.Catalog.DropTable(p, st.Temporary, st.IfExists)
		}
	case *sql.DropView:
		var p catalog.ObjectPath
		if p, err = b.Catalog.Qualify(st.Name.Parts); err == nil {
			err = b.Catalog.DropView(p, st.Temporary, st.IfExists)
		}
	case *sql.CreateFunction:
		f := &catalog.Function{ClassName: st.ClassName.Value, Language: strings.ToUpper(st.Language),
			Temporary: st.Temporary, System: st.System}
		if f.Language == "" {
			f.Language = "JAVA"
			if _, ok := catalog.LookupGoFunction(f.ClassName); ok {
				f.Language = "GO"
			}
		}
		if st.System {
			f.Name = catalog.ObjectPath{Object: st.Name.Last()}
		} else if f.Name, err = b.Catalog.Qualify(st.Name.Parts); err != nil {
			break
		}
		err = b.Catalog.CreateFunction(f, st.IfNotExists)
	case *sql.DropFunction:
		err = b.Catalog.DropFunction(st.Name.Parts, st.Temporary, st.System, st.IfExists)
	case *sql.CreateDatabase:
		cat, db := "", st.Name.Last()
		if len(st.Name.Parts) == 2 {
			cat = st.Name.Parts[0]
		}
		comment := ""
		if st.Comment != nil {
			comment = st.Comment.Value
		}
		err = b.Catalog.CreateDatabase(cat, db, comment, st.IfNotExists)
	case *sql.DropDatabase:
		cat, db := "", st.Name.Last()
		if len(st.Name.Parts) == 2 {
			cat = st.Name.Parts[0]
		}
		err = b.Catalog.DropDatabase(cat, db, st.IfExists, st.Cascade)
	case *sql.CreateCatalog:
		err = b.Catalog.CreateCatalog(st.Name.Name, optionMap(st.Options))
	case *sql.DropCatalog:
		err = b.Catalog.DropCatalog(st.Name.Name, st.IfExists)
	case *sql.UseCatalog:
		err = b.Catalog.UseCatalog(st.Name.Name)
	case *sql.UseDatabase:
		err = b.Catalog.UseDatabase(st.Name.Parts...)
	default:
		return false, nil
	}
	if err != nil {
		if _, ok := err.(*Error); ok {
			return true, err
		}
		return true, catalogErr(err, st.Position())
	}
	return true, nil
}

func optionMap(opts []*sql.Option) map[string]string {
	m := make(map[string]string, len(opts))
	for _, o := range opts {
		m[o.Key] = o.Value
	}
	return m
}

// BindCreateTable turns CREATE TABLE into a catalog table: column types,
// computed columns bound over the physical and metadata columns, the
// watermark bound over all columns (its column marked *ROWTIME*), the
// primary key (whose columns become NOT NULL, as in Flink) and the WITH
// options validated against the connector's spec. CREATE TABLE ... AS
// SELECT takes its columns from the query (see BindCreateTableAs).
func (b *Binder) BindCreateTable(ct *sql.CreateTable) (*catalog.Table, error) {
	path, err := b.Catalog.Qualify(ct.Name.Parts)
	if err != nil {
		return nil, catalogErr(err, ct.Name.Pos)
	}
	t := &catalog.Table{Name: path, Options: optionMap(ct.Options), Temporary: ct.Temporary}
	if ct.Comment != nil {
		t.Comment = ct.Comment.Value
	}
	if ct.Like != nil {
		if err := b.likeClause(t, ct.Like); err != nil {
			return nil, err
		}
	}
	if ct.AsQuery != nil {
		r, err := b.query(ct.AsQuery, nil)
		if err != nil {
			return nil, err
		}
		for _, c := range r.cols {
			t.Columns = append(t.Columns, catalog.Column{Name: c.name, Type: c.typ.WithoutTimeAttr()})
		}
	}
	for _, cd := range ct.Columns {
		if t.Column(cd.Name.Name) != nil {
			return nil, errorf(cd.Pos, ErrOther, "A column named '%s' already exists in the table", cd.Name.Name)
		}
		c := catalog.Column{Name: cd.Name.Name, Virtual: cd.Virtual}
		if cd.Comment != nil {
			c.Comment = cd.Comment.Value
		}
		switch cd.Kind {
		case sql.ComputedColumn:
			c.Kind = catalog.Computed
			c.Expr = sql.Format(cd.Expr)
		case sql.MetadataColumn:
			c.Kind = catalog.Metadata
			if cd.MetadataKey != nil {
				c.MetadataKey = cd.MetadataKey.Value
			}
			fallthrough
		default:
			if c.Type, err = ConvertType(cd.Type); err != nil {
				return nil, err
			}
		}
		if cd.PrimaryKey != nil {
			t.PrimaryKey = []string{c.Name}
		}
		t.Columns = append(t.Columns, c)
	}
	if err := b.bindComputed(t, ct); err != nil {
		return nil, err
	}
	if pk := ct.PrimaryKey; pk != nil {
		if !pk.NotEnforced {
			return nil, errorf(pk.Pos, ErrUnsupported, "Flink doesn't support ENFORCED mode for PRIMARY KEY constraint. ENFORCED/NOT ENFORCED controls if the constraint checks are performed on the incoming/outgoing data. Flink does not own the data therefore the only supported mode is the NOT ENFORCED mode")
		}
		t.PrimaryKey = nil
		for _, c := range pk.Columns {
			t.PrimaryKey = append(t.PrimaryKey, c.Name)
		}
	}
	for _, k := range t.PrimaryKey {
		c := t.Column(k)
		if c == nil {
			return nil, errorf(ct.Pos, ErrNotFound, "Could not create a PRIMARY KEY. Column '%s' does not exist.", k)
		}
		if c.Kind == catalog.Computed || c.Kind == catalog.Metadata {
			return nil, errorf(ct.Pos, ErrOther, "Could not create a PRIMARY KEY with column '%s'. A PRIMARY KEY constraint must be declared on physical columns.", k)
		}
		c.Type = c.Type.NotNullable()
	}
	if ct.Watermark != nil {
		if err := b.bindWatermark(t, ct.Watermark); err != nil {
			return nil, err
		}
	}
	for _, p := range ct.PartitionedBy {
		if t.Column(p.Name) == nil {
			return nil, errorf(p.Pos, ErrNotFound, "Partition column '%s' not defined in the table schema", p.Name)
		}
		t.PartitionKeys = append(t.PartitionKeys, p.Name)
	}
	if err := validateOptions(t); err != nil {
		return nil, errorf(ct.Pos, ErrOther, "%s", err.Error())
	}
	return t, nil
}

// bindComputed binds computed columns over the table's source schema.
func (b *Binder) bindComputed(t *catalog.Table, ct *sql.CreateTable) error {
	src := relOf(&Values{Out: t.SourceSchema()}, "")
	for _, cd := range ct.Columns {
		if cd.Kind != sql.ComputedColumn {
			continue
		}
		x, err := b.expr(cd.Expr, &scope{rel: src, noAgg: "computed columns", noSubquery: true})
		if err != nil {
			return err
		}
		c := t.Column(cd.Name.Name)
		c.Bound, c.Type = x, x.Type()
	}
	return nil
}

// bindWatermark checks WATERMARK FOR col AS expr and binds expr over all
// columns, marking col as the rowtime attribute.
func (b *Binder) bindWatermark(t *catalog.Table, w *sql.WatermarkDef) error {
	name := w.Column.Last()
	c := t.Column(name)
	if c == nil {
		return errorf(w.Column.Pos, ErrNotFound, "The rowtime attribute field '%s' is not defined in the table schema, at the following fields: [%s]",
			name, strings.Join(t.Schema().Names(), ", "))
	}
	if k := c.Type.Kind; !(k.IsTimestamp() && c.Type.Prec <= 3) {
		return errorf(w.Column.Pos, ErrType, "Invalid data type of time field for watermark definition. The field must be of type TIMESTAMP(p) or TIMESTAMP_LTZ(p), the supported precision 'p' is from 0 to 3, but the time field type is %s", c.Type)
	}
	all := relOf(&Values{Out: t.Schema()}, "")
	x, err := b.expr(w.Expr, &scope{rel: all, noAgg: "WATERMARK", noSubquery: true})
	if err != nil {
		return err
	}
	if !x.Type().Kind.IsTimestamp() {
		return errorf(w.Expr.Position(), ErrType, "Invalid data type of expression for watermark definition. The field must be of type TIMESTAMP(p) or TIMESTAMP_LTZ(p), the supported precision 'p' is from 0 to 3, but the watermark expression type is %s", x.Type())
	}
	c.Type.TimeAttr = types.TimeAttrRowtime
	t.Watermark = &catalog.Watermark{Column: name, Expr: sql.Format(w.Expr), Bound: x}
	return nil
}

// likeClause copies columns, watermark and options from the LIKE source
// (Flink's default INCLUDING ALL / OVERWRITING OPTIONS merging: the new
// table's own options win).
func (b *Binder) likeClause(t *catalog.Table, like *sql.TableLike) error {
	obj, err := b.Catalog.Lookup(like.Name.Parts)
	if err != nil {
		return catalogErr(err, like.Name.Pos)
	}
	if obj.Table == nil {
		return errorf(like.Pos, ErrOther, "Source table '%s' of the LIKE clause can not be a VIEW", obj.Path)
	}
	src := obj.Table
	exclude := map[string]bool{}
	for _, o := range like.Options {
		f := strings.Fields(strings.ToUpper(o))
		if len(f) == 2 && f[0] == "EXCLUDING" {
			exclude[f[1]] = true
		}
	}
	if !exclude["ALL"] {
		t.Columns = append(t.Columns, src.Columns...)
		if !exclude["WATERMARKS"] && src.Watermark != nil {
			w := *src.Watermark
			t.Watermark = &w
		}
		if !exclude["CONSTRAINTS"] {
			t.PrimaryKey = append([]string(nil), src.PrimaryKey...)
		}
		if !exclude["OPTIONS"] {
			own := t.Options
			t.Options = maps.Clone(src.Options)
			maps.Copy(t.Options, own)
		}
	}
	return nil
}

// validateOptions checks a table's WITH options against its connector's
// spec (and its format's).
func validateOptions(t *catalog.Table) error {
	// Pre-1.11 'connector.type' options become current ones (connector/legacy.go).
	opts, err := connector.TranslateLegacy(t.Options)
	if err != nil {
		return err
	}
	t.Options = opts
	name, ok := t.Options["connector"]
	if !ok {
		return fmt.Errorf("Table options do not contain an option key 'connector' for discovering a connector.")
	}
	f, err := connector.Lookup(name)
	if err != nil {
		return err
	}
	return connector.ValidateTable(f, t.Name.String(), t.Options)
}

// BindCreateView binds the view's query (to check it and fix its column
// types) and stores its SQL text.
func (b *Binder) BindCreateView(cv *sql.CreateView) (*catalog.View, error) {
	path, err := b.Catalog.Qualify(cv.Name.Parts)
	if err != nil {
		return nil, catalogErr(err, cv.Name.Pos)
	}
	r, err := b.query(cv.Query, nil)
	if err != nil {
		return nil, err
	}
	if r, err = renameColumns(r, cv.Columns, cv.Pos); err != nil {
		return nil, err
	}
	v := &catalog.View{Name: path, Query: sql.Format(cv.Query), Temporary: cv.Temporary}
	if cv.Comment != nil {
		v.Comment = cv.Comment.Value
	}
	for _, c := range r.cols {
		v.Columns = append(v.Columns, types.Field{Name: c.name, Type: c.typ})
	}
	return v, nil
}

// BindCreateTableAs binds CREATE TABLE ... AS SELECT: the new table and
// the sink writing the query into it. The caller registers the table
// before running the sink.
func (b *Binder) BindCreateTableAs(ct *sql.CreateTable) (*catalog.Table, *Sink, error) {
	if ct.AsQuery == nil {
		return nil, nil, errorf(ct.Pos, ErrOther, "CREATE TABLE has no AS query")
	}
	t, err := b.BindCreateTable(ct)
	if err != nil {
		return nil, nil, err
	}
	src, err := b.query(ct.AsQuery, nil)
	if err != nil {
		return nil, nil, err
	}
	return t, &Sink{Input: src.node, Path: t.Name, Table: t, Options: t.Options}, nil
}
