package runtime

import (
	"errors"
	"fmt"
)

// ErrCanceled is what Job.Wait returns after Job.Cancel.
var ErrCanceled = errors.New("job canceled")

// GraphError reports a job graph the executor cannot run.
type GraphError struct {
	Msg string
}

func (e *GraphError) Error() string { return "invalid job graph: " + e.Msg }

// OperatorError is a failure inside one operator instance. It names the
// operator as EXPLAIN prints it and the subtask (1-based, as Flink shows
// "(2/4)"), so a user can tell which step of which job failed.
type OperatorError struct {
	Vertex      string
	Operator    string
	Subtask     int // 0-based
	Parallelism int
	Err         error
}

func (e *OperatorError) Error() string {
	return fmt.Sprintf("operator %s (subtask %d/%d) failed: %v", e.Operator, e.Subtask+1, e.Parallelism, e.Err)
}

// Unwrap returns the operator's own error.
func (e *OperatorError) Unwrap() error { return e.Err }

// PanicError is a panic recovered in an operator, turned into an error so
// that one bad row or bug fails the job instead of the process.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }
