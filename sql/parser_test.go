package sql

import (
	"reflect"
	"testing"
)

func mustParseOne(t *testing.T, src string) Stmt {
	t.Helper()
	s, err := ParseOne(src)
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	return s
}

func mustSelect(t *testing.T, src string) *Select {
	t.Helper()
	q, ok := mustParseOne(t, src).(*QueryStmt)
	if !ok {
		t.Fatalf("%q: not a query", src)
	}
	s, ok := q.Query.Body.(*Select)
	if !ok {
		t.Fatalf("%q: body is %T", src, q.Query.Body)
	}
	return s
}

func TestCreateTableShape(t *testing.T) {
	src := "CREATE TEMPORARY TABLE IF NOT EXISTS c.d.t (\n" +
		"  id BIGINT NOT NULL COMMENT 'k',\n" +
		"  ts AS PROCTIME(),\n" +
		"  m TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,\n" +
		"  WATERMARK FOR id AS id,\n" +
		"  PRIMARY KEY (id) NOT ENFORCED\n" +
		") WITH ('connector' = 'kafka', 'topic' = 'x')"
	ct := mustParseOne(t, src).(*CreateTable)
	if !ct.Temporary || !ct.IfNotExists || !reflect.DeepEqual(ct.Name.Parts, []string{"c", "d", "t"}) {
		t.Errorf("header: %+v", ct)
	}
	if len(ct.Columns) != 3 {
		t.Fatalf("columns: %d", len(ct.Columns))
	}
	c0, c1, c2 := ct.Columns[0], ct.Columns[1], ct.Columns[2]
	if c0.Kind != PhysicalColumn || c0.Type.Name != "BIGINT" || !c0.Type.NotNull || c0.Comment.Value != "k" {
		t.Errorf("col0: %+v", c0)
	}
	if c0.Pos != (Pos{Line: 2, Col: 3, Offset: 47}) {
		t.Errorf("col0 pos: %+v", c0.Pos)
	}
	if c1.Kind != ComputedColumn || c1.Expr.(*FuncCall).Name[0] != "PROCTIME" {
		t.Errorf("col1: %+v", c1)
	}
	if c2.Kind != MetadataColumn || c2.MetadataKey.Value != "timestamp" || !c2.Virtual || c2.Type.Name != "TIMESTAMP_LTZ" || !c2.Type.WithLocalTZ || c2.Type.Params[0] != 3 {
		t.Errorf("col2: %+v", c2)
	}
	if ct.Watermark == nil || ct.Watermark.Column.Parts[0] != "id" || ct.PrimaryKey == nil || !ct.PrimaryKey.NotEnforced {
		t.Errorf("watermark/pk: %+v %+v", ct.Watermark, ct.PrimaryKey)
	}
	if len(ct.Options) != 2 || ct.Options[0].Key != "connector" || ct.Options[1].Value != "x" {
		t.Errorf("options: %+v", ct.Options)
	}
	if ct.Options[1].Pos.Line != 7 || ct.Options[1].ValuePos.Col != ct.Options[1].Pos.Col+10 {
		t.Errorf("option positions: %+v", ct.Options[1])
	}
}

func TestQueryShapes(t *testing.T) {
	s := mustSelect(t, "SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' MINUTES)) AS w")
	tf := s.From.(*TableFunctionRef)
	if tf.Lateral || tf.Alias.Name.Name != "w" || tf.Call.Name[0] != "TUMBLE" || len(tf.Call.Args) != 3 {
		t.Fatalf("tvf: %+v", tf)
	}
	if _, ok := tf.Call.Args[0].(*TableArg); !ok {
		t.Errorf("arg0 %T", tf.Call.Args[0])
	}
	if d, ok := tf.Call.Args[1].(*DescriptorExpr); !ok || d.Columns[0].Name != "ts" {
		t.Errorf("arg1 %T", tf.Call.Args[1])
	}
	iv := tf.Call.Args[2].(*IntervalLit)
	if iv.Value != "10" || iv.From != "MINUTE" || iv.To != "" || iv.Negative || iv.FromPrecision != NoPrecision {
		t.Errorf("interval %+v", iv)
	}

	// Comma binds looser than JOIN: t, (LATERAL ... LEFT JOIN u).
	s = mustSelect(t, "SELECT a FROM t, LATERAL TABLE(f(a)) AS x(b, c) LEFT JOIN u USING (k)")
	cj := s.From.(*Join)
	if !cj.Comma || cj.Kind != JoinCross {
		t.Fatalf("comma join %+v", cj)
	}
	j := cj.Right.(*Join)
	if j.Kind != JoinLeft || len(j.Using) != 1 {
		t.Fatalf("join %+v", j)
	}
	if lt := j.Left.(*TableFunctionRef); !lt.Lateral || len(lt.Alias.Columns) != 2 {
		t.Errorf("lateral %+v", lt)
	}

	q := mustParseOne(t, "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4").(*QueryStmt).Query
	top := q.Body.(*SetOp)
	if top.Op != Except {
		t.Fatalf("top op %v", top.Op)
	}
	u := top.Left.(*SetOp)
	if u.Op != Union || u.Right.(*SetOp).Op != Intersect {
		t.Errorf("precedence wrong: %s", Format(q))
	}

	s = mustSelect(t, "SELECT `Mixed Case`, MyCol, t.`x`.y FROM T")
	if id := s.Items[0].Expr.(*Identifier); id.Parts[0] != "Mixed Case" {
		t.Errorf("quoted ident %+v", id)
	}
	if id := s.Items[1].Expr.(*Identifier); id.Parts[0] != "MyCol" {
		t.Errorf("case not preserved %+v", id)
	}
	if id := s.Items[2].Expr.(*Identifier); !reflect.DeepEqual(id.Parts, []string{"t", "x", "y"}) {
		t.Errorf("path %+v", id)
	}

	s = mustSelect(t, "SELECT COUNT(*), COUNT(DISTINCT a) FILTER (WHERE b), SUM(c) OVER w FROM t WINDOW w AS (ORDER BY ts)")
	c0 := s.Items[0].Expr.(*FuncCall)
	c1 := s.Items[1].Expr.(*FuncCall)
	c2 := s.Items[2].Expr.(*FuncCall)
	if !c0.Star || !c1.Distinct || c1.Filter == nil || c2.Over.Ref.Name != "w" || c2.Over.Paren || len(s.Windows) != 1 {
		t.Errorf("calls %+v %+v %+v", c0, c1, c2)
	}

	s = mustSelect(t, "SELECT a FROM t GROUP BY GROUPING SETS ((a, b), ()), ROLLUP (a), CUBE (a, b), c")
	if _, ok := s.GroupBy[0].(*GroupingSets); !ok {
		t.Errorf("%T", s.GroupBy[0])
	}
	gs := s.GroupBy[0].(*GroupingSets)
	if g := gs.Sets[0].(*GroupingSet); len(g.Exprs) != 2 {
		t.Errorf("set0 %+v", g)
	}
	if g := gs.Sets[1].(*GroupingSet); len(g.Exprs) != 0 {
		t.Errorf("set1 %+v", g)
	}
}

func TestExprShapes(t *testing.T) {
	e, err := ParseExpr("12345678901234567890123 + 1.5 * 2E3")
	if err != nil {
		t.Fatal(err)
	}
	b := e.(*BinaryExpr)
	if n := b.Left.(*NumberLit); n.Kind != IntegerNumber || n.Text != "12345678901234567890123" {
		t.Errorf("big int %+v", n)
	}
	m := b.Right.(*BinaryExpr)
	if m.Op != "*" || m.Left.(*NumberLit).Kind != DecimalNumber || m.Right.(*NumberLit).Kind != ApproxNumber {
		t.Errorf("mul %+v", m)
	}
	e, _ = ParseExpr("INTERVAL -'1 02:03:04.5' DAY(2) TO SECOND(3)")
	iv := e.(*IntervalLit)
	want := IntervalQualifier{From: "DAY", FromPrecision: 2, To: "SECOND", ToPrecision: 3, FracPrecision: NoPrecision}
	if !iv.Negative || iv.Value != "1 02:03:04.5" || iv.IntervalQualifier != want {
		t.Errorf("interval %+v", iv)
	}
	e, _ = ParseExpr("CAST(x AS ROW<a INT NOT NULL, b ARRAY<STRING>> NOT NULL)")
	dt := e.(*CastExpr).Type
	if dt.Name != "ROW" || !dt.NotNull || len(dt.Fields) != 2 || !dt.Fields[0].Type.NotNull || dt.Fields[1].Type.Elem.Name != "STRING" {
		t.Errorf("row type %+v", dt)
	}
	e, _ = ParseExpr("a NOT BETWEEN 1 AND 2")
	if bt := e.(*BetweenExpr); !bt.Not {
		t.Errorf("between %+v", bt)
	}
	e, _ = ParseExpr("NOT a = b")
	if u := e.(*UnaryExpr); u.Op != "NOT" {
		t.Errorf("not %+v", u)
	}
	e, _ = ParseExpr("x.a[1].b")
	fe := e.(*FieldExpr)
	if fe.Field != "b" || !reflect.DeepEqual(fe.X.(*IndexExpr).X.(*Identifier).Parts, []string{"x", "a"}) {
		t.Errorf("postfix %+v", fe)
	}
	e, _ = ParseExpr("TIMESTAMPADD(MINUTE, 1, ts)")
	if u := e.(*FuncCall).Args[0].(*TimeUnitExpr); u.Unit != "MINUTE" {
		t.Errorf("unit %+v", u)
	}
	e, _ = ParseExpr("CURRENT_TIMESTAMP")
	if f := e.(*FuncCall); !f.NoParens {
		t.Errorf("niladic %+v", f)
	}
	e, _ = ParseExpr("  a +\n   b")
	if p := e.(*BinaryExpr).Right.Position(); p != (Pos{Line: 2, Col: 4, Offset: 9}) {
		t.Errorf("pos %+v", p)
	}
	if p := e.Position(); p != (Pos{Line: 1, Col: 3, Offset: 2}) {
		t.Errorf("pos %+v", p)
	}
}

func TestStatementShapes(t *testing.T) {
	st := mustParseOne(t, "BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nINSERT OVERWRITE b PARTITION (dt='x') (c) SELECT 2;\nEND;").(*StatementSet)
	if st.Execute || len(st.Inserts) != 2 || !st.Inserts[1].Overwrite || st.Inserts[1].Partition[0].Name.Name != "dt" || st.Inserts[1].Columns[0].Name != "c" {
		t.Errorf("statement set %+v", st)
	}
	ex := mustParseOne(t, "EXPLAIN CHANGELOG_MODE, JSON_EXECUTION_PLAN SELECT 1").(*Explain)
	if !reflect.DeepEqual(ex.Details, []string{"CHANGELOG_MODE", "JSON_EXECUTION_PLAN"}) {
		t.Errorf("explain %+v", ex)
	}
	set := mustParseOne(t, "SET execution.runtime-mode = batch").(*Set)
	if set.Key != "execution.runtime-mode" || set.Value != "batch" {
		t.Errorf("set %+v", set)
	}
	if set := mustParseOne(t, "SET").(*Set); set.Key != "" {
		t.Errorf("bare set %+v", set)
	}
	fn := mustParseOne(t, "CREATE TEMPORARY SYSTEM FUNCTION f AS 'a.b' LANGUAGE PYTHON").(*CreateFunction)
	if !fn.Temporary || !fn.System || fn.ClassName.Value != "a.b" || fn.Language != "PYTHON" {
		t.Errorf("function %+v", fn)
	}
	sh := mustParseOne(t, "SHOW USER FUNCTIONS").(*Show)
	if sh.Kind != ShowFunctions || !sh.User {
		t.Errorf("show %+v", sh)
	}
	stmts, err := Parse("SELECT 1;\n\nSELECT 2")
	if err != nil || len(stmts) != 2 || stmts[1].Position().Line != 3 {
		t.Errorf("script: %v %v", stmts, err)
	}
}

func TestParseOneRejectsMultiple(t *testing.T) {
	if _, err := ParseOne("SELECT 1; SELECT 2"); err == nil {
		t.Error("expected error for two statements")
	}
	if _, err := ParseOne("SELECT 1;"); err != nil {
		t.Errorf("trailing ; rejected: %v", err)
	}
	if _, err := ParseExpr("a +"); err == nil {
		t.Error("expected error")
	}
	if _, err := ParseExpr("a b"); err == nil {
		t.Error("expected error for trailing tokens")
	}
}

func TestDeepNesting(t *testing.T) {
	src := ""
	for range 5000 {
		src += "("
	}
	if _, err := ParseExpr(src + "1"); err == nil {
		t.Error("expected error for deep nesting")
	}
	src = "SELECT 1"
	for range 3000 {
		src += " + -1"
	}
	if _, err := Parse(src); err != nil {
		t.Errorf("long flat expression: %v", err)
	}
}

func TestInspect(t *testing.T) {
	s := mustParseOne(t, "SELECT a + 1 FROM t WHERE b IN (SELECT c FROM u)")
	var ids []string
	Inspect(s, func(n Node) bool {
		if id, ok := n.(*Identifier); ok {
			ids = append(ids, id.Parts[0])
		}
		return true
	})
	if !reflect.DeepEqual(ids, []string{"a", "b", "c"}) {
		t.Errorf("identifiers %v", ids)
	}
}
