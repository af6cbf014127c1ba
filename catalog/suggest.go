package catalog

import (
	"strings"

	"github.com/spry-engine/spry/internal/suggest"
)

// Closest returns the candidate nearest to name by edit distance (ignoring
// case), or "" when none is close enough to be a plausible typo: at most a
// third of the name's length, at least one and at most three edits. Used for
// "did you mean ...?" hints on tables, columns and functions.
func Closest(name string, candidates []string) string {
	best, bestD := "", -1
	limit := min(3, max(1, len(name)/3))
	ln := strings.ToLower(name)
	for _, c := range candidates {
		if c == name {
			continue
		}
		d := suggest.Distance(ln, strings.ToLower(c))
		if d <= limit && (bestD < 0 || d < bestD || (d == bestD && c < best)) {
			best, bestD = c, d
		}
	}
	return best
}
