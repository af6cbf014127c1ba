package state

import "fmt"

// KeyGroupRange is the inclusive range [Start, End] of key groups a
// subtask owns. An empty range has End < Start.
type KeyGroupRange struct{ Start, End int }

// Contains reports whether kg is in the range.
func (r KeyGroupRange) Contains(kg int) bool { return kg >= r.Start && kg <= r.End }

// Len returns the number of key groups in the range.
func (r KeyGroupRange) Len() int { return max(r.End-r.Start+1, 0) }

// Intersect returns the key groups in both ranges.
func (r KeyGroupRange) Intersect(o KeyGroupRange) KeyGroupRange {
	return KeyGroupRange{max(r.Start, o.Start), min(r.End, o.End)}
}

func (r KeyGroupRange) String() string { return fmt.Sprintf("KeyGroupRange{%d, %d}", r.Start, r.End) }

// RangeForSubtask returns the key groups subtask owns among parallelism
// subtasks, Flink's KeyGroupRangeAssignment: contiguous ranges, so a key
// group maps to subtask kg*parallelism/maxParallelism.
func RangeForSubtask(maxParallelism, parallelism, subtask int) KeyGroupRange {
	start := (subtask*maxParallelism + parallelism - 1) / parallelism
	end := ((subtask+1)*maxParallelism+parallelism-1)/parallelism - 1
	return KeyGroupRange{start, end}
}
