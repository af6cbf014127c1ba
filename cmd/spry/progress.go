package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/table"
)

// progressInterval is how often a running job's progress line refreshes.
const progressInterval = 500 * time.Millisecond

// startProgress shows r's progress on w until the returned stop function
// is called; stop returns once the progress line is erased.
func startProgress(w io.Writer, r *table.Result) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		showProgress(w, r, done)
	}()
	return func() {
		close(done)
		<-exited
	}
}

// showProgress prints a one-line progress report of r's job to w every
// progressInterval until done is closed, then erases the line. It prints
// nothing when w is not a terminal, so scripts and logs stay clean.
func showProgress(w io.Writer, r *table.Result, done <-chan struct{}) {
	f, ok := w.(*os.File)
	if !ok {
		return
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return
	}
	start := time.Now()
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	for {
		select {
		case <-done:
			fmt.Fprint(w, "\r\033[K")
			return
		case <-tick.C:
			read := rowsRead(r.Progress())
			fmt.Fprintf(w, "\r\033[K[INFO] Job %s running %s: %s rows read",
				shortID(r.JobID), time.Since(start).Round(100*time.Millisecond), groupDigits(read))
		}
	}
}

// rowsRead sums the rows the job's sources produced: the runtime counts a
// source's rows as its vertex's input.
func rowsRead(vs []*runtime.VertexProgress) (read int64) {
	for _, v := range vs {
		if strings.HasPrefix(v.Name, "TableSourceScan") || strings.HasPrefix(v.Name, "Values") {
			read += v.RowsIn.Load()
		}
	}
	return read
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// groupDigits writes n with thousands separators: 12,345,678.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && c != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
