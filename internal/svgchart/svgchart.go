// Package svgchart draws the benchmark charts as standalone SVG: a
// horizontal grouped bar chart (one group per category, one bar per
// series) with a linear or logarithmic axis. It has no dependencies so
// reports render anywhere a browser or a Markdown viewer opens them.
package svgchart

import (
	"errors"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Series is one bar of every group, e.g. one engine's figures.
type Series struct {
	Name string
	// Color is an SVG color; empty takes the palette's next one.
	Color string
	// Values holds one value per category; a value <= 0 or NaN draws no
	// bar, only "n/a".
	Values []float64
}

// Bars is a horizontal grouped bar chart.
type Bars struct {
	Title string
	// Unit labels the value axis, e.g. "events/s per core".
	Unit       string
	Categories []string
	Series     []Series
	// Log draws the value axis in powers of ten, for figures that span
	// orders of magnitude.
	Log bool
	// Notes, when set, holds one short text per category written right of
	// its group, e.g. a ratio "3.2x".
	Notes []string
}

// palette is the default series colors (Tableau 10's first four).
var palette = []string{"#4e79a7", "#f28e2b", "#59a14f", "#e15759"}

// Layout, in SVG user units.
const (
	width      = 820
	left       = 70 // room for category labels
	right      = 70 // room for notes
	top        = 56 // title and legend
	bottom     = 44 // axis ticks and unit
	barHeight  = 14 // one bar
	groupSpace = 10 // between groups
	fontSize   = 12 // labels
	plotWidth  = width - left - right
	tickCount  = 5
	minLogSpan = 1.0 // decades shown at least, on a log axis
)

// ErrShape is returned when series and categories do not line up.
var ErrShape = errors.New("svgchart: every series needs one value per category")

// SVG renders the chart.
func (b *Bars) SVG() ([]byte, error) {
	if len(b.Categories) == 0 || len(b.Series) == 0 {
		return nil, errors.New("svgchart: no categories or no series")
	}
	for _, s := range b.Series {
		if len(s.Values) != len(b.Categories) {
			return nil, ErrShape
		}
	}
	if b.Notes != nil && len(b.Notes) != len(b.Categories) {
		return nil, ErrShape
	}
	ax := b.axis()
	groupH := len(b.Series)*barHeight + groupSpace
	plotH := len(b.Categories) * groupH
	height := top + plotH + bottom
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="%d">`+"\n",
		width, height, width, height, fontSize)
	fmt.Fprintf(&sb, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(&sb, `<text x="%d" y="20" font-size="15" font-weight="bold">%s</text>`+"\n", left, esc(b.Title))
	b.legend(&sb)
	// Grid and ticks.
	for _, t := range ax.ticks {
		x := left + ax.pos(t)
		fmt.Fprintf(&sb, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x, top, x, top+plotH)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x, top+plotH+16, Human(t))
	}
	unit := b.Unit
	if b.Log {
		unit += " (log scale)"
	}
	fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", left+plotWidth/2, top+plotH+36, esc(unit))
	// Groups.
	for i, c := range b.Categories {
		y0 := top + i*groupH + groupSpace/2
		mid := y0 + len(b.Series)*barHeight/2
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", left-8, mid, esc(c))
		for j, s := range b.Series {
			y := y0 + j*barHeight
			v := s.Values[i]
			if !(v > 0) || math.IsInf(v, 0) {
				fmt.Fprintf(&sb, `<text x="%d" y="%d" dominant-baseline="middle" font-size="10" fill="#888">n/a</text>`+"\n", left+4, y+barHeight/2)
				continue
			}
			w := max(ax.pos(v), 1)
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %s</title></rect>`+"\n",
				left, y+1, w, barHeight-2, b.color(j), esc(s.Name), esc(c), Human(v))
		}
		if b.Notes != nil && b.Notes[i] != "" {
			fmt.Fprintf(&sb, `<text x="%d" y="%d" dominant-baseline="middle" font-weight="bold">%s</text>`+"\n", left+plotWidth+8, mid, esc(b.Notes[i]))
		}
	}
	fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`+"\n", left, top, left, top+plotH)
	sb.WriteString("</svg>\n")
	return []byte(sb.String()), nil
}

func (b *Bars) color(i int) string {
	if c := b.Series[i].Color; c != "" {
		return c
	}
	return palette[i%len(palette)]
}

// legend writes one swatch and name per series under the title.
func (b *Bars) legend(sb *strings.Builder) {
	x := left
	for i, s := range b.Series {
		fmt.Fprintf(sb, `<rect x="%d" y="32" width="12" height="12" fill="%s"/>`+"\n", x, b.color(i))
		fmt.Fprintf(sb, `<text x="%d" y="42">%s</text>`+"\n", x+16, esc(s.Name))
		x += 16 + 8*len(s.Name) + 24
	}
}

// axis maps values to x offsets in [0, plotWidth].
type axis struct {
	log      bool
	lo, hi   float64 // linear: 0..hi; log: log10 bounds
	ticks    []float64
	maxValue float64
}

func (b *Bars) axis() axis {
	lo, hi := math.Inf(1), 0.0
	for _, s := range b.Series {
		for _, v := range s.Values {
			if v > 0 && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if hi == 0 {
		lo, hi = 1, 1
	}
	if b.Log {
		a := axis{log: true, lo: math.Floor(math.Log10(lo)), hi: math.Ceil(math.Log10(hi))}
		if a.hi-a.lo < minLogSpan {
			a.hi = a.lo + minLogSpan
		}
		for e := a.lo; e <= a.hi; e++ {
			a.ticks = append(a.ticks, math.Pow(10, e))
		}
		return a
	}
	step := niceStep(hi / tickCount)
	a := axis{hi: step * math.Ceil(hi/step)}
	for t := 0.0; t <= a.hi+step/2; t += step {
		a.ticks = append(a.ticks, t)
	}
	return a
}

// pos is v's x offset from the plot's left edge.
func (a axis) pos(v float64) float64 {
	if a.log {
		if v <= 0 {
			return 0
		}
		return (math.Log10(v) - a.lo) / (a.hi - a.lo) * plotWidth
	}
	return v / a.hi * plotWidth
}

// niceStep rounds a raw tick step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// Human writes v briefly with three significant digits: 950, 1.5k, 23.4M.
func Human(v float64) string {
	suffix := ""
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.div {
			v, suffix = v/u.div, u.suffix
			break
		}
	}
	digits := 2
	switch a := math.Abs(v); {
	case a >= 100:
		digits = 0
	case a >= 10:
		digits = 1
	}
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + suffix
}

func esc(s string) string { return html.EscapeString(s) }
