// Package lanes is the checkpointable read position of Spry's generator
// sources (datagen, nexmark). A generator produces a numbered stream of
// rows (row or event number g, the row a pure function of g for
// sequences and Nexmark events); each subtask produces a share of the
// numbers, described as lanes: runs of width numbers every stride
// numbers, from first until end. A subtask's position is its lanes with
// the next number of each.
//
// Restored at the parallelism that stored it, every subtask takes its own
// lanes back (a subtask that had finished stored none and stays done).
// Restored at another parallelism, a bounded stream deals the lanes with
// numbers left round robin; an unbounded one first cuts every lane at the
// highest next number any subtask reached, deals the bounded pieces and
// shares out the numbers from there in fresh lanes. Either way every
// number is produced exactly once.
package lanes

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// Unbounded is the end of a lane without one.
const Unbounded = math.MaxInt64

// Lane produces the numbers first+j*stride+[0, width) for j = 0, 1, ...
// below end; Next is the next number to produce.
type Lane struct {
	Next   int64 `json:"next"`
	Stride int64 `json:"stride"`
	Width  int64 `json:"width"`
	End    int64 `json:"end"`
	// First is the lane's first number: it fixes where runs start.
	First int64 `json:"first"`
}

// State is a subtask's position: its lanes, bounded ones first; the last
// is its share of the numbers above every restored position.
type State struct {
	Version     int    `json:"version"`
	Subtask     int    `json:"subtask"`
	Parallelism int    `json:"parallelism"`
	Lanes       []Lane `json:"lanes"`
	// Extra is the generator's own state (random seeds), kept only when
	// restored at the same parallelism.
	Extra []byte `json:"extra,omitempty"`
}

// Initial is subtask's share of [0, end) in runs of width at parallelism
// p: runs subtask, subtask+p, ... (Flink's sequence generator for width 1).
func Initial(subtask, p int, width, end int64) []Lane {
	first := int64(subtask) * width
	return []Lane{{Next: first, First: first, Stride: int64(p) * width, Width: width, End: end}}
}

// Take returns the next numbers of the first lane that has any left, at
// most n of them, as count numbers first, first+step, ..., and advances
// past them; ok is false when every lane is exhausted. A lane of width 1
// gives a strided progression, a wider one consecutive numbers of one run.
func Take(ls []Lane, n int64) (first, step, count int64, ok bool) {
	for i := range ls {
		l := &ls[i]
		l.align()
		if l.Next >= l.End {
			continue
		}
		first = l.Next
		if l.Width == 1 {
			count = min(n, (l.End-1-first)/l.Stride+1)
			if count > 1 && first > math.MaxInt64-(count-1)*l.Stride-l.Stride {
				count = 1
			}
			l.Next = first + (count-1)*l.Stride + 1
			return first, l.Stride, count, true
		}
		runEnd := first - (first-l.First)%l.Stride + l.Width
		hi := min(first+n, runEnd, l.End)
		l.Next = hi
		return first, 1, hi - first, true
	}
	return 0, 0, 0, false
}

// Peek is the number the next Take starts at (Unbounded when none).
func Peek(ls []Lane) int64 {
	for i := range ls {
		l := ls[i]
		l.align()
		if l.Next < l.End {
			return l.Next
		}
	}
	return Unbounded
}

// align moves Next to the start of the next run when it is past the
// current run's end.
func (l *Lane) align() {
	if l.Stride <= 0 || l.Width <= 0 {
		l.Next = l.End
		return
	}
	off := (l.Next - l.First) % l.Stride
	if off >= l.Width {
		if l.Next > math.MaxInt64-l.Stride {
			l.Next = l.End
			return
		}
		l.Next += l.Stride - off
	}
}

// Encode writes a state.
func Encode(s State) ([]byte, error) {
	s.Version = 1
	return json.Marshal(s)
}

// Restore returns subtask's lanes at parallelism p from the states every
// subtask stored, and its Extra when the parallelism did not change.
// width and end describe the fresh lanes after a rescale.
func Restore(states [][]byte, subtask, p int, width, end int64) ([]Lane, []byte, error) {
	var all []State
	for _, b := range states {
		if len(b) == 0 {
			continue
		}
		var s State
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, nil, fmt.Errorf("reading a generator position: %w", err)
		}
		if s.Version != 1 {
			return nil, nil, fmt.Errorf("unsupported generator position version %d", s.Version)
		}
		all = append(all, s)
	}
	if len(all) == 0 {
		return Initial(subtask, p, width, end), nil, nil
	}
	if all[0].Parallelism == p {
		for _, s := range all {
			if s.Subtask == subtask {
				return s.Lanes, s.Extra, nil
			}
		}
		if end != Unbounded {
			return nil, nil, nil // this subtask had finished: its source stored nothing
		}
		return nil, nil, fmt.Errorf("the position of generator subtask %d is missing from the checkpoint", subtask)
	}
	if end != Unbounded {
		return deal(all, subtask, p), nil, nil
	}
	if len(all) != all[0].Parallelism {
		return nil, nil, fmt.Errorf("cannot rescale a generator from parallelism %d to %d: the checkpoint holds the positions of %d subtasks",
			all[0].Parallelism, p, len(all))
	}
	// Rescale of an unbounded stream: everything below the highest next
	// number that is not produced yet becomes bounded lanes; the numbers
	// from there on are shared out afresh.
	frontier := int64(0)
	for _, s := range all {
		for _, l := range s.Lanes {
			if l.End == Unbounded {
				l.align()
				frontier = max(frontier, l.Next)
			}
		}
	}
	for i := range all {
		for j := range all[i].Lanes {
			l := &all[i].Lanes[j]
			l.End = min(l.End, frontier)
		}
	}
	fresh := Initial(subtask, p, width, end)[0]
	fresh.First += frontier
	fresh.Next += frontier
	return append(deal(all, subtask, p), fresh), nil, nil
}

// deal hands the lanes with numbers left round robin to the p subtasks
// (in the order of their next numbers) and returns subtask's. Each lane is
// bounded, so a subtask taking several produces them one after another.
func deal(all []State, subtask, p int) []Lane {
	var left []Lane
	for _, s := range all {
		for _, l := range s.Lanes {
			l.align()
			if l.Next < l.End {
				left = append(left, l)
			}
		}
	}
	sort.Slice(left, func(i, j int) bool { return left[i].Next < left[j].Next })
	var mine []Lane
	for i, l := range left {
		if i%p == subtask {
			mine = append(mine, l)
		}
	}
	return mine
}
