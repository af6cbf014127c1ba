package plan

import (
	"testing"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

func TestErrorPretty(t *testing.T) {
	tests := []struct {
		err  *Error
		src  string
		want string
	}{
		{&Error{Pos: sql.Pos{Line: 1, Col: 8}, Msg: "Column 'wrd' not found in any table", Hint: "did you mean 'word'?"},
			"SELECT wrd FROM words",
			"At line 1, column 8: Column 'wrd' not found in any table; did you mean 'word'?\nSELECT wrd FROM words\n       ^"},
		{&Error{Pos: sql.Pos{Line: 2, Col: 3}, Msg: "bad"}, "SELECT\n\tx\n", "At line 2, column 3: bad\n\tx\n\t ^"},
		{&Error{Msg: "no position"}, "SELECT 1", "no position"},
	}
	for _, tc := range tests {
		if got := tc.err.Pretty(tc.src); got != tc.want {
			t.Errorf("Pretty:\n%s\nwant:\n%s", got, tc.want)
		}
	}
}

func TestConfigFromOptions(t *testing.T) {
	tests := []struct {
		opts    map[string]string
		check   func(Config) bool
		wantErr bool
	}{
		{map[string]string{}, func(c Config) bool { return c.Streaming && c.AggPhaseStrategy == AggAuto && c.Loc.String() == "UTC" }, false},
		{map[string]string{"execution.runtime-mode": "BATCH"}, func(c Config) bool { return !c.Streaming }, false},
		{map[string]string{"table.optimizer.agg-phase-strategy": "two_phase"}, func(c Config) bool { return c.AggPhaseStrategy == AggTwoPhase }, false},
		{map[string]string{"table.local-time-zone": "Europe/Berlin"}, func(c Config) bool { return c.Loc.String() == "Europe/Berlin" }, false},
		{map[string]string{"table.optimizer.agg-phase-strategy": "THREE"}, nil, true},
		{map[string]string{"execution.runtime-mode": "later"}, nil, true},
		{map[string]string{"table.local-time-zone": "Mars/Base"}, nil, true},
		{map[string]string{"table.exec.mini-batch.enabled": "true"}, func(c Config) bool { return c.MiniBatch }, false},
		{map[string]string{"table.exec.mini-batch.enabled": "FALSE"}, func(c Config) bool { return !c.MiniBatch }, false},
		{map[string]string{"table.exec.mini-batch.enabled": "maybe"}, nil, true},
	}
	for _, tc := range tests {
		c, err := ConfigFromOptions(tc.opts)
		if (err != nil) != tc.wantErr {
			t.Errorf("%v: err = %v", tc.opts, err)
			continue
		}
		if err == nil && !tc.check(c) {
			t.Errorf("%v: config %+v", tc.opts, c)
		}
	}
}

func TestEquiKeys(t *testing.T) {
	ref := func(i int) expr.Expr { return &expr.ColumnRef{Index: i, T: types.Int} }
	call := func(name string, args ...expr.Expr) expr.Expr {
		return &expr.Call{Name: name, Args: args, T: types.Boolean}
	}
	tests := []struct {
		cond       expr.Expr
		lk, rk     []int
		restLength int
	}{
		{call("=", ref(0), ref(3)), []int{0}, []int{1}, 0},
		{call("=", ref(4), ref(1)), []int{1}, []int{2}, 0},
		{call("AND", call("=", ref(0), ref(2)), call(">", ref(1), ref(3))), []int{0}, []int{0}, 1},
		{call("=", ref(0), ref(1)), nil, nil, 1},
		{nil, nil, nil, 0},
	}
	for i, tc := range tests {
		lk, rk, rest := EquiKeys(tc.cond, 2)
		if !equalInts(lk, tc.lk) || !equalInts(rk, tc.rk) || len(rest) != tc.restLength {
			t.Errorf("case %d: got %v %v %d", i, lk, rk, len(rest))
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestConvertType(t *testing.T) {
	tests := []struct{ src, want string }{
		{"INT", "INT"},
		{"STRING NOT NULL", "STRING NOT NULL"},
		{"VARCHAR(10)", "VARCHAR(10)"},
		{"CHAR", "CHAR(1)"},
		{"DECIMAL", "DECIMAL(10, 0)"},
		{"DECIMAL(5, 2)", "DECIMAL(5, 2)"},
		{"TIMESTAMP", "TIMESTAMP(6)"},
		{"TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)"},
		{"TIMESTAMP_LTZ(3)", "TIMESTAMP_LTZ(3)"},
		{"ARRAY<INT>", "ARRAY<INT>"},
		{"MAP<STRING, BIGINT>", "MAP<STRING, BIGINT>"},
		{"ROW<a INT, b STRING>", "ROW<`a` INT, `b` STRING>"},
		{"BYTES", "BYTES"},
		{"INTERVAL DAY TO SECOND(3)", "INTERVAL DAY(2) TO SECOND(3)"},
	}
	for _, tc := range tests {
		e, err := sql.ParseExpr("CAST(x AS " + tc.src + ")")
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		got, err := ConvertType(e.(*sql.CastExpr).Type)
		if err != nil || got.String() != tc.want {
			t.Errorf("ConvertType(%s) = %s, %v; want %s", tc.src, got, err, tc.want)
		}
	}
}

func TestLiteralTypes(t *testing.T) {
	tests := []struct{ src, want string }{
		{"1", "INT NOT NULL"},
		{"3000000000", "BIGINT NOT NULL"},
		{"12345678901234567890", "DECIMAL(20, 0) NOT NULL"},
		{"1.5", "DECIMAL(2, 1) NOT NULL"},
		{"0.25", "DECIMAL(2, 2) NOT NULL"},
		{"1.5E3", "DOUBLE NOT NULL"},
		{"'abc'", "CHAR(3) NOT NULL"},
		{"TRUE", "BOOLEAN NOT NULL"},
		{"NULL", "NULL"},
		{"DATE '2020-01-01'", "DATE NOT NULL"},
		{"TIMESTAMP '2020-01-01 00:00:00'", "TIMESTAMP(0) NOT NULL"},
		{"INTERVAL '2' HOUR", "INTERVAL DAY(2) TO SECOND(3) NOT NULL"},
		{"X'0aff'", "BINARY(2) NOT NULL"},
	}
	b := NewBinder(nil, DefaultConfig())
	b.Functions = testRegistry()
	for _, tc := range tests {
		e, err := sql.ParseExpr(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		x, err := b.expr(e, nil)
		if err != nil || x.Type().String() != tc.want {
			t.Errorf("type of %s = %v, %v; want %s", tc.src, x, err, tc.want)
		}
	}
}

func TestIntervalValues(t *testing.T) {
	tests := []struct {
		src  string
		want any
	}{
		{"INTERVAL '5' SECOND", int64(5000)},
		{"INTERVAL '1.5' SECOND", int64(1500)},
		{"INTERVAL '10' MINUTE", int64(600000)},
		{"INTERVAL '1 02:00:00' DAY TO SECOND", int64(93600000)},
		{"INTERVAL '-1' DAY", int64(-86400000)},
		{"INTERVAL '1-6' YEAR TO MONTH", int32(18)},
		{"INTERVAL '3' MONTH", int32(3)},
	}
	b := NewBinder(nil, DefaultConfig())
	for _, tc := range tests {
		e, err := sql.ParseExpr(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		x, err := b.expr(e, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if v := x.(*expr.Literal).Value; v != tc.want {
			t.Errorf("%s = %v (%T), want %v", tc.src, v, v, tc.want)
		}
	}
}

func TestUniqueNames(t *testing.T) {
	got := uniqueNames([]string{"a", "a", "a0", "b", "a"})
	want := []string{"a", "a1", "a0", "b", "a2"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("uniqueNames = %v, want %v", got, want)
		}
	}
}
