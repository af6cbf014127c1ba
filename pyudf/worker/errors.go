package worker

import (
	"fmt"
	"strings"
	"sync"
)

// ExitError reports a worker process that died: its exit code and the
// end of what it wrote to stderr.
type ExitError struct {
	Code   int
	Stderr string
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("Python worker exited with code %d: %s", e.Code, e.Stderr)
}

// UDFError reports an exception raised by a Python function.
type UDFError struct {
	Operator  string
	Function  string
	Message   string
	Traceback string
}

func (e *UDFError) Error() string {
	return fmt.Sprintf("Python function '%s' failed in operator %s: %s\n%s", e.Function, e.Operator, e.Message, strings.TrimRight(e.Traceback, "\n"))
}

// PythonTraceback returns the Python traceback (the gateway reports the
// error as a PythonError carrying it).
func (e *UDFError) PythonTraceback() string { return e.Traceback }

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}
