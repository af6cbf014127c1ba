package chaos

import (
	"fmt"
	"sort"
	"strings"
)

// Diff is the difference of an output from the expected rows, as
// multisets: Lost rows are expected but missing (counted with their
// multiplicity), Duplicated rows are there but not expected (a row written
// twice, or a row that should not exist at all).
type Diff struct {
	Expected, Got    int
	Lost, Duplicated int
	// Examples holds a few of the differing rows, for the report.
	Examples []string
}

// OK reports whether the output equals the expected rows.
func (d Diff) OK() bool { return d.Lost == 0 && d.Duplicated == 0 }

// Line is the harness's verdict line for one sink.
func (d Diff) Line(kills int) string {
	return fmt.Sprintf("kills=%d lost=%d duplicated=%d", kills, d.Lost, d.Duplicated)
}

// maxExamples bounds the differing rows a Diff keeps.
const maxExamples = 5

// Compare compares got with want as multisets of row keys.
func Compare(want, got []string) Diff {
	d := Diff{Expected: len(want), Got: len(got)}
	count := make(map[string]int, len(want))
	for _, k := range want {
		count[k]++
	}
	for _, k := range got {
		count[k]--
	}
	keys := make([]string, 0)
	for k, n := range count {
		switch {
		case n > 0:
			d.Lost += n
		case n < 0:
			d.Duplicated -= n
		default:
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys[:min(len(keys), maxExamples)] {
		n := count[k]
		if n > 0 {
			d.Examples = append(d.Examples, fmt.Sprintf("lost %dx %s", n, k))
		} else {
			d.Examples = append(d.Examples, fmt.Sprintf("extra %dx %s", -n, k))
		}
	}
	return d
}

// String summarises the diff for progress output.
func (d Diff) String() string {
	s := fmt.Sprintf("%d rows, %d expected, lost=%d duplicated=%d", d.Got, d.Expected, d.Lost, d.Duplicated)
	if len(d.Examples) > 0 {
		s += "\n    " + strings.Join(d.Examples, "\n    ")
	}
	return s
}

// Keys returns the canonical keys of rows.
func Keys(rows []Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Key()
	}
	return out
}
