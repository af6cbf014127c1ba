package catalog

import (
	"sync"
	"testing"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

func table(m *Manager, name string, temporary bool) *Table {
	p, _ := m.Qualify([]string{name})
	return &Table{Name: p, Temporary: temporary, Columns: []Column{{Name: "a", Type: types.Int}}, Options: map[string]string{"connector": "x"}}
}

func TestLookupAndSuggestions(t *testing.T) {
	m := New()
	if err := m.CreateTable(table(m, "words", false), false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		parts   []string
		wantErr string
	}{
		{"one part", []string{"words"}, ""},
		{"two parts", []string{"default_database", "words"}, ""},
		{"three parts", []string{"default_catalog", "default_database", "words"}, ""},
		{"typo", []string{"wrods"}, "Object 'wrods' not found within 'default_catalog.default_database'; did you mean 'words'?"},
		{"far off", []string{"zzzzzz"}, "Object 'zzzzzz' not found within 'default_catalog.default_database'"},
		{"bad db", []string{"nodb", "words"}, "Object 'words' not found"},
		{"too many parts", []string{"a", "b", "c", "d"}, "object name must have 1 to 3 parts, got 4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := m.Lookup(tc.parts)
			if tc.wantErr == "" {
				if err != nil || o.Table == nil || o.Path.String() != "default_catalog.default_database.words" {
					t.Fatalf("Lookup(%v) = %v, %v", tc.parts, o, err)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr {
				t.Fatalf("Lookup(%v) error = %v, want %q", tc.parts, err, tc.wantErr)
			}
		})
	}
}

func TestTemporaryShadowsPermanent(t *testing.T) {
	m := New()
	perm := table(m, "t", false)
	tmp := table(m, "t", true)
	tmp.Columns[0].Name = "tmp"
	if err := m.CreateTable(perm, false); err != nil {
		t.Fatal(err)
	}
	if err := m.CreateTable(tmp, false); err != nil {
		t.Fatal(err)
	}
	o, _ := m.Lookup([]string{"t"})
	if o.Table != tmp {
		t.Fatal("temporary table does not shadow the permanent one")
	}
	if err := m.DropTable(perm.Name, false, false); err == nil {
		t.Fatal("dropping the permanent table while a temporary one shadows it must fail")
	}
	if err := m.DropTable(perm.Name, true, false); err != nil {
		t.Fatal(err)
	}
	o, _ = m.Lookup([]string{"t"})
	if o.Table != perm {
		t.Fatal("permanent table not visible after dropping the temporary one")
	}
	if got := m.ListTables("", ""); len(got) != 1 || got[0] != "t" {
		t.Fatalf("ListTables = %v", got)
	}
}

func TestCreateDropErrors(t *testing.T) {
	m := New()
	tb := table(m, "t", false)
	if err := m.CreateTable(tb, false); err != nil {
		t.Fatal(err)
	}
	if err := m.CreateTable(tb, false); !IsExists(err) {
		t.Fatalf("duplicate create: %v", err)
	}
	if err := m.CreateTable(tb, true); err != nil {
		t.Fatalf("IF NOT EXISTS: %v", err)
	}
	v := &View{Name: ObjectPath{DefaultCatalog, DefaultDatabase, "v"}, Query: "SELECT 1"}
	if err := m.CreateView(v, false); err != nil {
		t.Fatal(err)
	}
	if err := m.DropTable(v.Name, false, false); err == nil {
		t.Fatal("DROP TABLE on a view must fail")
	}
	if got := m.ListViews("", ""); len(got) != 1 || got[0] != "v" {
		t.Fatalf("ListViews = %v", got)
	}
	if err := m.DropView(v.Name, false, false); err != nil {
		t.Fatal(err)
	}
	if err := m.DropView(v.Name, false, false); !IsNotFound(err) {
		t.Fatalf("second drop: %v", err)
	}
	if err := m.DropView(v.Name, false, true); err != nil {
		t.Fatalf("IF EXISTS: %v", err)
	}
}

func TestCatalogsAndDatabases(t *testing.T) {
	m := New()
	if err := m.CreateDatabase("", "db2", "", false); err != nil {
		t.Fatal(err)
	}
	if err := m.UseDatabase("db2"); err != nil {
		t.Fatal(err)
	}
	if p, _ := m.Qualify([]string{"x"}); p.String() != "default_catalog.db2.x" {
		t.Fatalf("Qualify = %s", p)
	}
	if err := m.DropDatabase("", "db2", false, false); err == nil {
		t.Fatal("dropping the current database must fail")
	}
	if err := m.CreateCatalog("c2", nil); err != nil {
		t.Fatal(err)
	}
	if err := m.UseCatalog("c2"); err != nil {
		t.Fatal(err)
	}
	if m.CurrentCatalog() != "c2" || m.CurrentDatabase() != DefaultDatabase {
		t.Fatalf("current = %s.%s", m.CurrentCatalog(), m.CurrentDatabase())
	}
	if err := m.UseCatalog("c3"); err == nil || err.Error() != "A catalog with name [c3] does not exist.; did you mean 'c2'?" {
		t.Fatalf("UseCatalog(c3) = %v", err)
	}
	if got := m.ListCatalogs(); len(got) != 2 {
		t.Fatalf("ListCatalogs = %v", got)
	}
}

func TestFunctions(t *testing.T) {
	m := New()
	upper := &expr.ScalarFunction{Name: "MY_UPPER"}
	if err := m.RegisterFunction("my_upper", upper); err != nil {
		t.Fatal(err)
	}
	f, err := m.LookupFunction([]string{"MY_UPPER"})
	if err != nil || f == nil || f.Scalar != upper {
		t.Fatalf("LookupFunction = %v, %v", f, err)
	}
	if err := m.RegisterFunction("bad", 42); err == nil {
		t.Fatal("registering a non-function must fail")
	}
	agg := &expr.AggregateFunction{Name: "MY_AGG"}
	if err := RegisterGoFunction("com.example.MyAgg", agg); err != nil {
		t.Fatal(err)
	}
	p, _ := m.Qualify([]string{"my_agg"})
	if err := m.CreateFunction(&Function{Name: p, ClassName: "com.example.MyAgg", Language: "GO"}, false); err != nil {
		t.Fatal(err)
	}
	if f, _ := m.LookupFunction([]string{"My_Agg"}); f == nil || f.Aggregate != agg || f.Kind() != "AGGREGATE" {
		t.Fatalf("catalog function not found: %v", f)
	}
	err = m.CreateFunction(&Function{Name: p, ClassName: "com.example.MyAgj", Language: "GO"}, false)
	if err == nil || err.Error() != "Go function class 'com.example.MyAgj' is not registered (catalog.RegisterGoFunction); did you mean 'com.example.MyAgg'?" {
		t.Fatalf("unknown class: %v", err)
	}
	if got := m.ListFunctions(); len(got) != 2 {
		t.Fatalf("ListFunctions = %v", got)
	}
	if err := m.DropFunction([]string{"my_agg"}, false, false, false); err != nil {
		t.Fatal(err)
	}
	if f, _ := m.LookupFunction([]string{"my_agg"}); f != nil {
		t.Fatal("dropped function still found")
	}
}

func TestClosest(t *testing.T) {
	tests := []struct {
		name  string
		cands []string
		want  string
	}{
		{"wrods", []string{"words", "orders"}, "words"},
		{"wrd", []string{"word", "cnt"}, "word"},
		{"uppr", []string{"UPPER", "LOWER"}, "UPPER"},
		{"xyz", []string{"words"}, ""},
		{"words", []string{"words"}, ""},
	}
	for _, tc := range tests {
		if got := Closest(tc.name, tc.cands); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	m := New()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tb := table(m, string(rune('a'+i)), i%2 == 0)
			_ = m.CreateTable(tb, false)
			_, _ = m.Lookup([]string{tb.Name.Object})
			_ = m.ListTables("", "")
		}(i)
	}
	wg.Wait()
	if got := m.ListTables("", ""); len(got) != 8 {
		t.Fatalf("ListTables = %v", got)
	}
}

func TestTableSchemas(t *testing.T) {
	tb := &Table{
		Columns: []Column{
			{Name: "id", Type: types.BigInt.NotNullable()},
			{Name: "c", Type: types.BigInt, Kind: Computed, Expr: "id + 1"},
			{Name: "off", Type: types.BigInt, Kind: Metadata, MetadataKey: "offset", Virtual: true},
			{Name: "ts", Type: types.TimestampMs, Kind: Metadata},
		},
		PrimaryKey: []string{"id"},
	}
	if got := tb.Schema().String(); got != "(`id` BIGINT NOT NULL, `c` BIGINT, `off` BIGINT, `ts` TIMESTAMP(3))" {
		t.Errorf("Schema = %s", got)
	}
	if got := tb.SourceSchema().Names(); len(got) != 3 || got[1] != "off" {
		t.Errorf("SourceSchema = %v", got)
	}
	if got := tb.SinkSchema().Names(); len(got) != 2 || got[1] != "ts" {
		t.Errorf("SinkSchema = %v", got)
	}
	if pk := tb.Schema().PrimaryKey; len(pk) != 1 || pk[0] != 0 {
		t.Errorf("PrimaryKey = %v", pk)
	}
}
