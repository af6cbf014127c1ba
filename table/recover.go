package table

import (
	"fmt"
	"log/slog"
	"runtime/debug"
)

// InternalError is a panic caught while a statement was parsed, planned or
// started: a bug in Spry, reported as the statement's error so that one
// bad statement cannot crash `spry sql` or a server. Panics inside a
// running job are caught by the runtime and fail the job instead.
type InternalError struct {
	// Statement is the text of the statement that triggered the bug.
	Statement string
	// Value is what was passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic, for bug reports.
	Stack []byte
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error (a bug in Spry; please report it) while executing statement %q: panic: %v",
		e.Statement, e.Value)
}

// Unwrap returns the panic value when it is an error (a runtime error
// such as an index out of range), so callers can inspect it.
func (e *InternalError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// recoverStatement turns a panic in the calling function into an
// *InternalError in *errp naming the statement; the stack goes to the
// debug log. Use it as `defer recoverStatement(text, &err)`.
func recoverStatement(statement string, errp *error) {
	r := recover()
	if r == nil {
		return
	}
	stack := debug.Stack()
	slog.Debug("statement panicked", "statement", statement, "panic", fmt.Sprint(r), "stack", string(stack))
	*errp = &InternalError{Statement: statement, Value: r, Stack: stack}
}
