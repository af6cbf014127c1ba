package gateway

import (
	"errors"
	"strings"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/plan/physical"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/table"
)

// Error types of the protocol's error object (docs/gateway.md).
const (
	TypeSQL        = "SqlError"
	TypeValidation = "ValidationError"
	TypeJob        = "JobError"
	TypePython     = "PythonError"
	TypeProtocol   = "ProtocolError"
	TypeInternal   = "InternalError"
)

// ErrorObject is the error of a failed call as the client receives it.
type ErrorObject struct {
	Type string `json:"type"`
	// Message is the engine's message, followed for positioned SQL errors
	// by the offending line and a caret.
	Message string `json:"message"`
	// Summary is the one-line message without the caret text.
	Summary string `json:"summary"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

// PythonFailure is implemented by errors of Python UDFs (the worker's
// traceback), so the gateway reports them as PythonError whichever
// package produced them.
type PythonFailure interface {
	error
	PythonTraceback() string
}

// jobPhase marks errors of a running job (fetch, wait) rather than of a
// statement being planned: only these are JobErrors; any other error of
// a call is the request's fault (ValidationError) unless typed otherwise.
type jobPhase struct{ err error }

func (e *jobPhase) Error() string { return e.err.Error() }
func (e *jobPhase) Unwrap() error { return e.err }

// toErrorObject classifies err for the client.
func toErrorObject(err error) *ErrorObject {
	o := &ErrorObject{Type: TypeValidation, Message: err.Error(), Summary: err.Error()}
	var (
		ie  *table.InternalError
		pe  *ProtocolError
		se  *sql.Error
		ple *plan.Error
		py  PythonFailure
		sq  *table.SQLError
		jp  *jobPhase
	)
	switch {
	case errors.As(err, &pe):
		o.Type = TypeProtocol
	case errors.As(err, &ie), errors.As(err, new(*internalPanic)):
		o.Type = TypeInternal
	case errors.As(err, &py) || isPythonText(err.Error()):
		o.Type = TypePython
	case errors.As(err, &jp):
		o.Type = TypeJob
	case errors.As(err, &se):
		o.Type = TypeSQL
		o.Line, o.Column = se.Pos.Line, se.Pos.Col
	case errors.As(err, &ple):
		if ple.Pos.IsValid() {
			o.Line, o.Column = ple.Pos.Line, ple.Pos.Col
		}
	case isValidation(err):
	}
	if errors.As(err, &sq) {
		o.Message = sq.Pretty()
	}
	return o
}

// isValidation reports the engine's typed errors that mean "the request
// is wrong" rather than "the job broke".
func isValidation(err error) bool {
	var (
		ce  *table.ConfigError
		ue  *table.UnsupportedError
		cat *catalog.Error
		cv  *connector.ValidationError
		ph  *physical.Error
	)
	return errors.As(err, &ce) || errors.As(err, &ue) || errors.As(err, &cat) || errors.As(err, &cv) || errors.As(err, &ph)
}

// isPythonText recognizes a Python UDF failure by its text when no typed
// error survived the wrapping: a Python traceback, or pyudf's
// "Python function 'f' failed in operator ..." message.
func isPythonText(msg string) bool {
	return strings.Contains(msg, "Traceback (most recent call last)") ||
		(strings.Contains(msg, "Python function '") && strings.Contains(msg, "' failed in operator"))
}
