// Package checkpoint is where Spry's checkpoints and savepoints live and
// what their files hold.
//
// Layout (Flink's): a checkpoint of job <job-id> under the checkpoint
// directory <dir> is the directory <dir>/<job-id>/chk-<n>/ holding one file
// per operator subtask, named <vertex>-<index>-<subtask> (the vertex id,
// the operator's position in its chain, the subtask), and _metadata.
// Files a local store (the pebble backend) contributes are immutable
// SSTables kept once in <dir>/<job-id>/shared/ and referenced by every
// checkpoint that contains them. A savepoint is a directory
// <dir>/savepoint-<job6>-<random>/ laid out the same way but
// self-contained: its shared files are inside it, so it can be copied or
// moved and restored anywhere.
//
// _metadata is JSON (Metadata, versioned by FormatVersion) and is written
// last: a directory without it is an incomplete checkpoint and is never
// restored. Operator files are what the operators wrote: Arrow IPC streams
// of key-group-tagged entries for keyed state (ops.Snapshotter), opaque
// bytes for non-keyed state (a source's positions, a sink's pending
// transactions).
//
// Storage goes through gocloud.dev/blob: a local path or file:// URL, a
// registered object store scheme, or, for the empty directory, a bucket
// kept in the process's memory (mem://), which serves restarts within the
// process only.
package checkpoint
