package checkpoint

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// FormatVersion is the version of the metadata format this engine writes.
// Load accepts every version up to it; a change of Metadata, OperatorState,
// Part or the meaning of the files they name needs a new version (the
// compatibility test loads a committed checkpoint of version 1).
const FormatVersion = 1

// MetadataFile is the name of the file that completes a checkpoint.
const MetadataFile = "_metadata"

// Kinds of operator state (OperatorState.Kind).
const (
	// KindKeyed is keyed state (ops.Snapshotter): every part goes to every
	// subtask of the restoring run, which keeps its key groups.
	KindKeyed = "keyed"
	// KindOperator is non-keyed state (ops.CheckpointedOperator): the
	// operator receives every part, indexed by the subtask that wrote it.
	KindOperator = "operator"
	// KindFiles is a local store's files (ops.DirSnapshotter).
	KindFiles = "files"
)

// Metadata describes one completed checkpoint or savepoint.
type Metadata struct {
	Version        int             `json:"version"`
	JobName        string          `json:"jobName"`
	JobID          string          `json:"jobId"`
	CheckpointID   int64           `json:"checkpointId"`
	Savepoint      bool            `json:"savepoint"`
	Timestamp      time.Time       `json:"timestamp"`
	MaxParallelism int             `json:"maxParallelism"`
	Operators      []OperatorState `json:"operators"`

	// dir is where the checkpoint was loaded from (the chk-<n> or
	// savepoint directory); parts resolve against it.
	dir   string
	once  sync.Once
	store *Store
	err   error
}

// OperatorState is the state of one operator of the job graph, identified
// by its vertex id, its index in the vertex's chain and its name (as
// EXPLAIN prints it).
type OperatorState struct {
	Vertex      int    `json:"vertex"`
	Index       int    `json:"index"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Parallelism int    `json:"parallelism"`
	Parts       []Part `json:"parts"`
}

// Part is the state one subtask stored.
type Part struct {
	Subtask int `json:"subtask"`
	// Path is the part's file, relative to the checkpoint directory, or
	// "" when the state is only Files.
	Path string `json:"path,omitempty"`
	Size int64  `json:"size"`
	// Files are a local store's files: "shared/..." names a file of the
	// job's shared directory (of the savepoint itself in a savepoint),
	// any other path is relative to the checkpoint directory.
	Files []string `json:"files,omitempty"`
}

// Size is the total size of the checkpoint's state in bytes.
func (m *Metadata) Size() int64 {
	var n int64
	for _, o := range m.Operators {
		n += o.Size()
	}
	return n
}

// Size is the operator's state size in bytes over all its parts (a
// local store's files counted in full, shared or not), as `spry
// checkpoint info` shows it.
func (o *OperatorState) Size() int64 {
	var n int64
	for _, p := range o.Parts {
		n += p.Size
	}
	return n
}

// Dir is the checkpoint's directory (set by Load).
func (m *Metadata) Dir() string { return m.dir }

// Encode returns the metadata as written to _metadata.
func (m *Metadata) Encode() ([]byte, error) {
	if m.Version == 0 {
		m.Version = FormatVersion
	}
	return json.MarshalIndent(m, "", "  ")
}

// decode parses _metadata, checking its version and shape.
func decode(path string, data []byte) (*Metadata, error) {
	var m Metadata
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, &Error{Path: path, Kind: ErrCorrupt, Msg: err.Error()}
	}
	switch {
	case m.Version <= 0:
		return nil, &Error{Path: path, Kind: ErrCorrupt, Msg: "no format version"}
	case m.Version > FormatVersion:
		return nil, &Error{Path: path, Kind: ErrVersion,
			Msg: fmt.Sprintf("format version %d is newer than this engine's %d", m.Version, FormatVersion)}
	}
	for _, o := range m.Operators {
		switch o.Kind {
		case KindKeyed, KindOperator, KindFiles:
		default:
			return nil, &Error{Path: path, Kind: ErrCorrupt, Msg: fmt.Sprintf("operator %s has unknown state kind %q", o.Name, o.Kind)}
		}
		for _, p := range o.Parts {
			for _, f := range append([]string{p.Path}, p.Files...) {
				if strings.Contains(f, "..") || strings.HasPrefix(f, "/") {
					return nil, &Error{Path: path, Kind: ErrCorrupt, Msg: fmt.Sprintf("operator %s names file %q outside the checkpoint", o.Name, f)}
				}
			}
		}
	}
	return &m, nil
}
