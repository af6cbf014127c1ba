package physical

// ErrorKind classifies planning errors so callers and tests can tell them
// apart without matching text.
type ErrorKind uint8

// Planning error kinds.
const (
	// ErrUnsupported is a plan Spry cannot run (yet) in the chosen mode.
	ErrUnsupported ErrorKind = iota + 1
	// ErrChangelog is a sink or operator that cannot consume the updates
	// its input produces.
	ErrChangelog
	// ErrConnector is a missing or failing connector factory.
	ErrConnector
	// ErrInternal is an inconsistent logical plan.
	ErrInternal
)

// Error is the error physical planning returns; Msg is Flink's message
// where Flink defines one.
type Error struct {
	Kind ErrorKind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func errorf(k ErrorKind, msg string) *Error { return &Error{Kind: k, Msg: msg} }
