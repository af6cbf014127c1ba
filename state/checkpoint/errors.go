package checkpoint

import "errors"

// Kinds of Error, for errors.Is.
var (
	// ErrNotFound: no checkpoint (no _metadata) at the path.
	ErrNotFound = errors.New("checkpoint not found")
	// ErrCorrupt: the metadata or a file it names cannot be read.
	ErrCorrupt = errors.New("corrupt checkpoint")
	// ErrVersion: the checkpoint was written by a newer format version.
	ErrVersion = errors.New("unsupported checkpoint format version")
	// ErrScheme: no storage driver for the URL's scheme.
	ErrScheme = errors.New("unsupported checkpoint storage")
)

// Error is a failure to read or write a checkpoint; Kind is one of the
// Err* values above (or nil for a storage error in Err).
type Error struct {
	Path string
	Kind error
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	s := "checkpoint " + e.Path + ": "
	if e.Kind != nil {
		s += e.Kind.Error()
		if e.Msg != "" || e.Err != nil {
			s += ": "
		}
	}
	s += e.Msg
	if e.Err != nil {
		if e.Msg != "" {
			s += ": "
		}
		s += e.Err.Error()
	}
	return s
}

// Unwrap returns the error's kind and cause.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}
