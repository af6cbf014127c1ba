package main

import (
	"fmt"

	"github.com/spry-engine/spry/table"
)

// warnMetrics prints, on the error stream, a line for every row the
// statement's job dropped or skipped (late rows, unparsable records), so
// that no row disappears without the user hearing of it.
func (c *client) warnMetrics(r *table.Result) {
	if r == nil {
		return
	}
	for _, w := range r.MetricWarnings() {
		fmt.Fprintln(c.errOut, w)
	}
}
