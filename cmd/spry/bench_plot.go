package main

import (
	"github.com/spry-engine/spry/internal/svgchart"
)

// logSpread is the ratio of the largest to the smallest bar above which
// the chart switches to a log scale, so slow queries stay visible.
const logSpread = 50

// benchPlot draws events/s per core per query, Spry beside the reference
// engine when there is one, with the per-core ratio right of each group.
func benchPlot(results []benchResult, ref map[string]benchResult) ([]byte, error) {
	chart := &svgchart.Bars{Title: "Nexmark: events/s per core", Unit: "events/s per core (events / CPU seconds)"}
	ours := svgchart.Series{Name: "spry"}
	theirs := svgchart.Series{Name: "reference"}
	var notes []string
	lo, hi := 0.0, 0.0
	for _, r := range results {
		chart.Categories = append(chart.Categories, r.Query)
		v := 0.0
		if r.Status == statusOK {
			v = r.EventsPerSecPerCore
		}
		ours.Values = append(ours.Values, v)
		o, ok := ref[r.Query]
		w := 0.0
		if ok && o.Status == statusOK {
			w = o.EventsPerSecPerCore
			if o.Engine != "" {
				theirs.Name = o.Engine
			}
		}
		theirs.Values = append(theirs.Values, w)
		notes = append(notes, ratioCell(r, o))
		for _, x := range []float64{v, w} {
			if x > 0 {
				if lo == 0 || x < lo {
					lo = x
				}
				hi = max(hi, x)
			}
		}
	}
	chart.Series = []svgchart.Series{ours}
	if ref != nil {
		chart.Series = append(chart.Series, theirs)
		for i, n := range notes {
			if n == "-" {
				notes[i] = ""
			}
		}
		chart.Notes = notes
	}
	chart.Log = lo > 0 && hi/lo > logSpread
	return chart.SVG()
}
