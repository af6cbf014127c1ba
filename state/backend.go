package state

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spry-engine/spry/types"
)

// Kind is the shape of a declared state.
type Kind uint8

// The state kinds.
const (
	KindValue Kind = iota + 1 // one value per key
	KindList                  // a list of values per key
	KindMap                   // a map from user keys to values per key
)

func (k Kind) String() string {
	switch k {
	case KindValue:
		return "VALUE"
	case KindList:
		return "LIST"
	case KindMap:
		return "MAP"
	}
	return "UNKNOWN"
}

// StateDescriptor declares a named state of an operator.
type StateDescriptor struct {
	Name string
	Kind Kind
	// Type is the type of the value (Value), of the elements (List) or of
	// the map values (Map).
	Type types.DataType
	// KeyType is the type of the map's user keys (Map only).
	KeyType types.DataType
	// TTL, when positive, expires a value (a map entry, a whole list) that
	// has not been written for that long: it is no longer returned and is
	// dropped from snapshots (Flink's OnCreateAndWrite, NeverReturnExpired).
	TTL time.Duration
}

// Backend holds the keyed state of one operator subtask.
type Backend interface {
	// KeyGroupRange returns the key groups this backend owns.
	KeyGroupRange() KeyGroupRange
	// SetCurrentKey selects the key (its encoded bytes) and key group that
	// the state handles read and write.
	SetCurrentKey(key []byte, keyGroup int) error
	// Value, List and Map return the handle of a declared state; declaring
	// a name again with another kind is an error.
	Value(d StateDescriptor) (ValueState, error)
	List(d StateDescriptor) (ListState, error)
	Map(d StateDescriptor) (MapState, error)
	// Snapshot writes the state of the key groups in r (intersected with
	// the backend's range).
	Snapshot(w io.Writer, r KeyGroupRange) error
	// Restore adds the entries of a snapshot that fall in the backend's
	// range; it may be called once per snapshot part when rescaling.
	Restore(r io.Reader) error
}

// ValueState is a single value per key.
type ValueState interface {
	// Value returns the current key's value, and false when there is none.
	Value() (any, bool, error)
	Update(v any) error
	Clear()
}

// ListState is a list of values per key.
type ListState interface {
	Get() ([]any, error)
	Add(v any) error
	Update(vs []any) error
	Clear()
}

// MapState is a map per key.
type MapState interface {
	Get(k any) (any, bool, error)
	Put(k, v any) error
	Remove(k any) error
	// Range calls fn for every live entry until it returns false.
	Range(fn func(k, v any) bool) error
	IsEmpty() bool
	Clear()
}

// ErrNoCurrentKey is returned when state is used before SetCurrentKey.
var ErrNoCurrentKey = errors.New("state: no current key set")

// KeyGroupError reports a key whose key group the backend does not own.
type KeyGroupError struct {
	KeyGroup int
	Range    KeyGroupRange
}

func (e *KeyGroupError) Error() string {
	return fmt.Sprintf("state: key group %d is not in %s", e.KeyGroup, e.Range)
}

// DescriptorError reports a state declared twice incompatibly.
type DescriptorError struct {
	Name      string
	Was, Want Kind
}

func (e *DescriptorError) Error() string {
	return fmt.Sprintf("state: %q is declared as %s, requested as %s", e.Name, e.Was, e.Want)
}

// SnapshotError reports a snapshot that cannot be read.
type SnapshotError struct{ Msg string }

func (e *SnapshotError) Error() string { return "state: bad snapshot: " + e.Msg }
