package filesystem

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/spry-engine/spry/connector"
)

// The source's checkpointed position (connector.CheckpointedSource), as
// Flink's file source: one entry per split this subtask was given — read
// to its end, being read (the byte offset of the next record, which is
// always a record's start), or not started. A bounded source also stores
// the files it listed, so that a split missing from a checkpoint (its
// subtask had finished and stored nothing) is known to be read, while a
// file no checkpoint knows is new and read from its start.
//
// Restored at the parallelism that stored them, splits stay with their
// subtask; at another parallelism they are dealt out again by a hash of
// the split, a split being read resuming at its offset in its new subtask.

var _ connector.CheckpointedSource = (*source)(nil)

// splitPos is the stored position of one split.
type splitPos struct {
	Path        string `json:"path"`
	Index       int    `json:"index,omitempty"`
	Start       int64  `json:"start,omitempty"`
	Limit       int64  `json:"limit"`
	Off         int64  `json:"off,omitempty"`
	Started     bool   `json:"started,omitempty"`
	Hazard      bool   `json:"hazard,omitempty"`
	Done        bool   `json:"done,omitempty"`
	Subtask     int    `json:"subtask"`
	Parallelism int    `json:"parallelism"`
}

// seenSplit names the entry listing the files a bounded source listed.
const seenSplit = "listed-files"

func splitName(sp split) string { return fmt.Sprintf("%s@%d", sp.path, sp.start) }

func (s *source) position(sp split, started, done bool, off int64, hazard bool) (connector.SplitPosition, error) {
	b, err := json.Marshal(splitPos{Path: sp.path, Index: sp.index, Start: sp.start, Limit: sp.limit, Off: off,
		Started: started, Hazard: hazard, Done: done, Subtask: s.task.Subtask, Parallelism: max(s.task.Parallelism, 1)})
	return connector.SplitPosition{Split: splitName(sp), Position: b}, err
}

// SnapshotPosition returns the position of every split of this subtask.
func (s *source) SnapshotPosition() ([]connector.SplitPosition, error) {
	var out []connector.SplitPosition
	add := func(sp split, started, done bool, off int64, hazard bool) error {
		p, err := s.position(sp, started, done, off, hazard)
		out = append(out, p)
		return err
	}
	for _, sp := range s.finished {
		if err := add(sp, true, true, 0, false); err != nil {
			return nil, err
		}
	}
	if r := s.rd; r != nil {
		if err := add(r.sp, true, r.done(), r.off, r.hazard); err != nil {
			return nil, err
		}
	}
	for _, sp := range s.pending {
		if err := add(sp, sp.resumed, false, sp.off, sp.hazard); err != nil {
			return nil, err
		}
	}
	if s.monitor == 0 {
		files := make([]string, 0, len(s.seen))
		for f := range s.seen {
			files = append(files, f)
		}
		sort.Strings(files)
		b, err := json.Marshal(files)
		if err != nil {
			return nil, err
		}
		out = append(out, connector.SplitPosition{Split: seenSplit, Position: b})
	}
	return out, nil
}

// RestorePosition replaces the splits Open assigned with this subtask's
// share of the stored ones; files no position knows keep their
// assignment (new files).
func (s *source) RestorePosition(ps []connector.SplitPosition) error {
	if len(ps) == 0 {
		return nil
	}
	p := max(s.task.Parallelism, 1)
	known := map[string]bool{}
	var resumed, fresh []split
	s.finished = nil
	for _, pos := range ps {
		if pos.Split == seenSplit {
			var files []string
			if err := json.Unmarshal(pos.Position, &files); err != nil {
				return fmt.Errorf("table %s: restoring the filesystem source: %w", s.table.Name, err)
			}
			for _, f := range files {
				known[f] = true
			}
			continue
		}
		var sp splitPos
		if err := json.Unmarshal(pos.Position, &sp); err != nil || sp.Path == "" {
			return fmt.Errorf("table %s: restoring the filesystem source: unreadable position of split %s: %v", s.table.Name, pos.Split, err)
		}
		known[sp.Path] = true
		sub := sp.Subtask
		if sp.Parallelism != p {
			sub = owner(pos.Split, p)
		}
		if sub != s.task.Subtask {
			continue
		}
		x := split{path: sp.Path, index: sp.Index, start: sp.Start, limit: sp.Limit}
		switch {
		case sp.Done:
			s.finished = append(s.finished, x)
		case sp.Started:
			x.resumed, x.off, x.hazard = true, sp.Off, sp.Hazard
			resumed = append(resumed, x)
		default:
			fresh = append(fresh, x)
		}
	}
	// Splits being read first, then the others in file order; then the
	// files Open found that no checkpoint knows.
	sort.SliceStable(fresh, func(i, j int) bool { return splitName(fresh[i]) < splitName(fresh[j]) })
	pending := append(resumed, fresh...)
	for _, sp := range s.pending {
		if !known[sp.path] {
			pending = append(pending, sp)
		}
	}
	for f := range known {
		s.seen[f] = true
	}
	s.closeFile()
	s.pending = pending
	return nil
}
