package catalog

import "fmt"

// ErrorKind classifies catalog errors so callers can test for them without
// matching message text.
type ErrorKind uint8

// Catalog error kinds.
const (
	ErrNotFound ErrorKind = iota + 1
	ErrExists
	ErrInvalid
	ErrNotEmpty
)

// Error is the error every catalog operation returns.
type Error struct {
	Kind ErrorKind
	Msg  string
	// Suggestion is the closest existing name to a missing one, or "".
	Suggestion string
}

func (e *Error) Error() string {
	if e.Suggestion != "" {
		return fmt.Sprintf("%s; did you mean '%s'?", e.Msg, e.Suggestion)
	}
	return e.Msg
}

// IsNotFound reports whether err is a catalog not-found error.
func IsNotFound(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Kind == ErrNotFound
}

// IsExists reports whether err is a catalog already-exists error.
func IsExists(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Kind == ErrExists
}

func notFound(msg, suggestion string) *Error {
	return &Error{Kind: ErrNotFound, Msg: msg, Suggestion: suggestion}
}
