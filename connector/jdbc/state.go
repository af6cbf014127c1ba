package jdbc

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// scanState is a scan subtask's position for checkpoints: the split being
// read (an index into the subtask's splits, which the options and the
// subtask index determine) and how many of its rows were emitted. A
// restored scan re-runs that split's query and skips those rows, so the
// query's order must be stable: it is ordered by the primary key when the
// table declares one; otherwise it relies on the database returning an
// unchanged table in the same order (true of InnoDB, SQLite and a
// PostgreSQL heap that was not modified meanwhile).
type scanState struct {
	Version int   `json:"version"`
	Split   int   `json:"split"`
	Offset  int64 `json:"offset"`
}

// SnapshotState writes the scan's position.
func (s *source) SnapshotState(w io.Writer) error {
	return json.NewEncoder(w).Encode(scanState{Version: 1, Split: s.pos, Offset: s.offset})
}

// RestoreState sets the position a scan resumes from; call it before Open.
func (s *source) RestoreState(r io.Reader) error {
	var st scanState
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("table %s: restoring the JDBC scan position: %w", s.table.Name, err)
	}
	if st.Version != 1 || st.Split < 0 || st.Offset < 0 {
		return fmt.Errorf("table %s: unsupported JDBC scan state %+v", s.table.Name, st)
	}
	s.pos, s.offset, s.skip = st.Split, 0, st.Offset
	return nil
}

// orderBy is the ORDER BY clause that makes a scan's order stable for
// restarts: the primary key, when declared.
func (s *source) orderBy() string {
	if len(s.table.PrimaryKey) == 0 {
		return ""
	}
	keys := make([]string, len(s.table.PrimaryKey))
	for i, k := range s.table.PrimaryKey {
		keys[i] = s.o.d.quote(s.table.Schema.Fields[k].Name)
	}
	return " ORDER BY " + strings.Join(keys, ", ")
}
