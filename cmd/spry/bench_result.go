package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// benchResult is one query's benchmark figures, in the JSON shape every
// engine's harness writes (`spry bench nexmark --format json`, bench/flink),
// so one engine's results can be the other's --reference.
type benchResult struct {
	Engine              string   `json:"engine"`
	Query               string   `json:"query"`
	Source              string   `json:"source"`
	Events              int64    `json:"events"`
	Parallelism         int      `json:"parallelism"`
	Seconds             float64  `json:"seconds"`
	CPUSeconds          float64  `json:"cpu_seconds"`
	EventsPerSec        float64  `json:"events_per_sec"`
	EventsPerSecPerCore float64  `json:"events_per_sec_per_core"`
	PeakRSSBytes        int64    `json:"peak_rss_bytes"`
	LatencyP50Ms        *float64 `json:"latency_p50_ms"`
	LatencyP99Ms        *float64 `json:"latency_p99_ms"`
	Status              string   `json:"status"`
	Error               string   `json:"error"`
}

// Result statuses.
const (
	statusOK      = "ok"
	statusFailed  = "failed"
	statusSkipped = "skipped"
)

// setRates fills the per-second figures from events, seconds and CPU.
func (r *benchResult) setRates() {
	if r.Seconds > 0 {
		r.EventsPerSec = math.Round(float64(r.Events) / r.Seconds)
	}
	if r.CPUSeconds > 0 {
		r.EventsPerSecPerCore = math.Round(float64(r.Events) / r.CPUSeconds)
	}
}

// readResults reads a JSON list of results (ours or another engine's).
func readResults(path string) ([]benchResult, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rs []benchResult
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("%s: expected a JSON list of benchmark results: %w", path, err)
	}
	return rs, nil
}

// writeBenchJSON writes results as an indented JSON list.
func writeBenchJSON(w io.Writer, rs []benchResult) error {
	if rs == nil {
		rs = []benchResult{}
	}
	b, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// reportRows turns results into the cells of the text and Markdown
// tables: a header and one row per result, with the reference engine's
// columns and the per-core ratio when ref is not nil.
func reportRows(rs []benchResult, ref map[string]benchResult) (header []string, rows [][]string) {
	header = []string{"query", "events", "seconds", "cpu s", "events/s", "events/s/core", "peak RSS", "p50 ms", "p99 ms", "status"}
	refName := "reference"
	for _, r := range ref {
		if r.Engine != "" {
			refName = r.Engine
		}
		break
	}
	if ref != nil {
		header = append(header, refName+" events/s", refName+" events/s/core", "per-core ratio")
	}
	for _, r := range rs {
		row := []string{r.Query, groupDigits(r.Events), "-", "-", "-", "-", "-", msCell(r.LatencyP50Ms), msCell(r.LatencyP99Ms), r.Status}
		if r.Status == statusOK {
			row[2], row[3] = fmt.Sprintf("%.2f", r.Seconds), fmt.Sprintf("%.2f", r.CPUSeconds)
			row[4], row[5] = rateCell(r.EventsPerSec), rateCell(r.EventsPerSecPerCore)
		}
		if r.PeakRSSBytes > 0 {
			row[6] = fmt.Sprintf("%.0f MiB", float64(r.PeakRSSBytes)/(1<<20))
		}
		if ref != nil {
			o, ok := ref[r.Query]
			if !ok || o.Status != statusOK {
				row = append(row, "-", "-", "-")
			} else {
				row = append(row, rateCell(o.EventsPerSec), rateCell(o.EventsPerSecPerCore), ratioCell(r, o))
			}
		}
		rows = append(rows, row)
	}
	return header, rows
}

func rateCell(v float64) string {
	if v <= 0 {
		return "-"
	}
	return groupDigits(int64(math.Round(v)))
}

func msCell(v *float64) string {
	if v == nil {
		return "-"
	}
	if *v < 10 {
		return fmt.Sprintf("%.2f", *v) // sub-millisecond latencies stay visible
	}
	return fmt.Sprintf("%.1f", *v)
}

// ratioCell is Spry's events/s per core over the reference's: "3.21x".
func ratioCell(r, o benchResult) string {
	if r.Status != statusOK || r.EventsPerSecPerCore <= 0 || o.EventsPerSecPerCore <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", r.EventsPerSecPerCore/o.EventsPerSecPerCore)
}

// writeBenchTable writes results as aligned text: the first column left, the
// figures right-aligned, followed by one line per failed query's error.
func writeBenchTable(w io.Writer, rs []benchResult, ref map[string]benchResult) error {
	header, rows := reportRows(rs, ref)
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	line := func(cells []string) {
		var sb strings.Builder
		for i, c := range cells {
			if i > 0 {
				sb.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-len(c))
			if i == 0 || header[i] == "status" {
				sb.WriteString(c + pad)
			} else {
				sb.WriteString(pad + c)
			}
		}
		_, _ = io.WriteString(w, strings.TrimRight(sb.String(), " ")+"\n")
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
	return writeBenchErrors(w, rs)
}

// writeBenchMarkdown writes results as a Markdown table, figures right-aligned.
func writeBenchMarkdown(w io.Writer, rs []benchResult, ref map[string]benchResult) error {
	header, rows := reportRows(rs, ref)
	var sb strings.Builder
	sb.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for i := range header {
		if i == 0 || header[i] == "status" {
			sb.WriteString("---|")
		} else {
			sb.WriteString("---:|")
		}
	}
	sb.WriteString("\n")
	for _, r := range rows {
		sb.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	if _, err := io.WriteString(w, sb.String()); err != nil {
		return err
	}
	return writeBenchErrors(w, rs)
}

// writeBenchErrors lists why queries failed or were skipped, one line each.
func writeBenchErrors(w io.Writer, rs []benchResult) error {
	first := true
	for _, r := range rs {
		if r.Status == statusOK || r.Error == "" {
			continue
		}
		if first {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
			first = false
		}
		msg, _, _ := strings.Cut(strings.TrimSpace(r.Error), "\n")
		if _, err := fmt.Fprintf(w, "%s %s: %s\n", r.Query, r.Status, msg); err != nil {
			return err
		}
	}
	return nil
}
