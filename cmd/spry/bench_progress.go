package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// benchProgress shows a benchmark's progress on stderr: on a terminal a
// bar redrawn in place (queries done of total, the current query and the
// share of its events read, elapsed times); elsewhere one plain line per
// finished query, so logs stay readable.
type benchProgress struct {
	w     io.Writer
	tty   bool
	total int
	start time.Time

	mu       sync.Mutex
	done     int
	label    string
	events   int64
	read     int64
	qStart   time.Time
	stopTick chan struct{}
	ticking  sync.WaitGroup
}

// barWidth is the bar's length in characters.
const barWidth = 24

func newBenchProgress(w io.Writer, total int) *benchProgress {
	return &benchProgress{w: w, tty: isTerminal(w), total: total, start: time.Now()}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// begin starts showing a step (a query, or the Kafka fill) over events.
func (p *benchProgress) begin(label string, events int64) {
	p.mu.Lock()
	p.label, p.events, p.read, p.qStart = label, events, 0, time.Now()
	p.mu.Unlock()
	if !p.tty {
		return
	}
	p.stopTick = make(chan struct{})
	p.ticking.Add(1)
	go func() {
		defer p.ticking.Done()
		t := time.NewTicker(progressInterval / 2)
		defer t.Stop()
		for {
			p.draw()
			select {
			case <-p.stopTick:
				return
			case <-t.C:
			}
		}
	}()
}

// update records the rows the current step's sources have read.
func (p *benchProgress) update(read int64) {
	p.mu.Lock()
	p.read = read
	p.mu.Unlock()
}

// end stops the current step, erases the bar and prints line, which stays
// above the next step's bar; counted steps advance the queries done.
func (p *benchProgress) end(line string, counted bool) {
	if p.stopTick != nil {
		close(p.stopTick)
		p.ticking.Wait()
		p.stopTick = nil
		fmt.Fprint(p.w, "\r\033[K")
	}
	p.mu.Lock()
	if counted {
		p.done++
	}
	p.mu.Unlock()
	if line != "" {
		fmt.Fprintln(p.w, line)
	}
}

func (p *benchProgress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	frac := 0.0
	if p.events > 0 {
		frac = min(float64(p.read)/float64(p.events), 1)
	}
	n := int(frac * barWidth)
	bar := strings.Repeat("#", n) + strings.Repeat("-", barWidth-n)
	fmt.Fprintf(p.w, "\r\033[K[%d/%d] %-5s [%s] %3.0f%%  %5.1fs  (total %s)", p.done, p.total, p.label, bar, frac*100,
		time.Since(p.qStart).Seconds(), time.Since(p.start).Round(time.Second))
}

// resultLine is the line printed when a query finishes.
func resultLine(r benchResult) string {
	if r.Status != statusOK {
		msg, _, _ := strings.Cut(strings.TrimSpace(r.Error), "\n")
		return fmt.Sprintf("%s: %s after %.2f s: %s", r.Query, r.Status, r.Seconds, msg)
	}
	return fmt.Sprintf("%s: %s events in %.2f s, %.2f CPU s: %s events/s, %s events/s per core", r.Query,
		groupDigits(r.Events), r.Seconds, r.CPUSeconds, rateCell(r.EventsPerSec), rateCell(r.EventsPerSecPerCore))
}
