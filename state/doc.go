// Package state is Spry's keyed state, in Flink's model: an operator
// declares named states up front with a StateDescriptor (a single value, a
// list or a map per key, optionally with a time-to-live), sets the current
// key, and reads and writes through the state handles. State is sharded by
// key group (KeyGroupRange), the unit in which it moves when a job is
// rescaled: Snapshot writes the entries of a range of key groups and
// Restore reads back those in the backend's own range, whatever range the
// snapshot was taken with.
//
// Values are Go values as documented in package types and are stored
// encoded by their declared type (EncodeValue), so a snapshot is plain
// bytes. NewMemoryBackend keeps state on the heap; NewPebbleBackend keeps it
// in a pebble store on local disk (Store), for state larger than memory,
// and checkpoints it as immutable files as well as in the common snapshot
// format.
package state
