package gateway

import (
	"errors"
	"fmt"
	"testing"

	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/table"
)

type tracebackErr struct{}

func (tracebackErr) Error() string           { return "boom" }
func (tracebackErr) PythonTraceback() string { return "Traceback ..." }

func TestToErrorObject(t *testing.T) {
	pos := sql.Pos{Line: 2, Col: 5}
	cases := []struct {
		name      string
		err       error
		typ       string
		line, col int
	}{
		{"parse", &table.SQLError{Err: &sql.Error{Pos: pos, Msg: "x"}}, TypeSQL, 2, 5},
		{"bind", &table.SQLError{Err: &plan.Error{Pos: pos, Msg: "x"}}, TypeValidation, 2, 5},
		{"config", &table.ConfigError{Key: "k", Value: "v"}, TypeValidation, 0, 0},
		{"plain", errors.New("no such thing"), TypeValidation, 0, 0},
		{"job", &jobPhase{errors.New("operator failed")}, TypeJob, 0, 0},
		{"python typed", &jobPhase{fmt.Errorf("op: %w", tracebackErr{})}, TypePython, 0, 0},
		{"python text", &jobPhase{errors.New("Python function 'f' failed in operator PythonCalc: ZeroDivisionError")}, TypePython, 0, 0},
		{"internal", &table.InternalError{Statement: "s", Value: "p"}, TypeInternal, 0, 0},
		{"panic", &internalPanic{"m", "p"}, TypeInternal, 0, 0},
		{"protocol", &ProtocolError{"bad"}, TypeProtocol, 0, 0},
	}
	for _, tc := range cases {
		o := toErrorObject(tc.err)
		if o.Type != tc.typ || o.Line != tc.line || o.Column != tc.col || o.Summary != tc.err.Error() {
			t.Errorf("%s: got %+v", tc.name, o)
		}
	}
}
