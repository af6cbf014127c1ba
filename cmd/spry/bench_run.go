package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	nexmarkbench "github.com/spry-engine/spry/bench/nexmark"
)

// stderrTail bounds how much of a child's stderr is kept for its error.
const stderrTail = 16 << 10

// runQueries fills the Kafka topic when needed and runs every query in
// its own child process, reporting progress on stderr.
func (o *nexmarkOptions) runQueries(ctx context.Context, queries []string, stderr io.Writer) ([]benchResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("cannot find the spry binary to run queries with: %w", err)
	}
	work, err := os.MkdirTemp("", "spry-nexmark-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	if err := nexmarkbench.WriteSideInput(work); err != nil {
		return nil, err
	}
	if o.profileDir != "" {
		if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
			return nil, err
		}
	}
	prog := newBenchProgress(stderr, len(queries))
	params := nexmarkbench.Params{Source: o.source, Events: o.events, TPS: o.tps, Dir: work, Topic: o.topic, Bootstrap: o.bootstrap}
	if o.source == nexmarkbench.SourceKafka {
		if err := o.ensureTopic(ctx, exe, work, params, prog); err != nil {
			return nil, err
		}
		if o.fillOnly {
			return nil, nil
		}
	}
	var results []benchResult
	for _, q := range queries {
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
		script, err := nexmarkbench.Render(q, params)
		if err != nil {
			return results, err
		}
		prog.begin(q, o.events)
		r := o.runChild(ctx, exe, work, q, script, prog)
		// q10 writes every bid to files; keep the disk free for the next.
		_ = os.RemoveAll(filepath.Join(work, "data", "output"))
		prog.end(resultLine(r), true)
		results = append(results, r)
	}
	return results, ctx.Err()
}

// runChild runs script in a child `spry bench run-query` and measures it:
// wall time over the child's life, CPU time and peak RSS from its rusage.
func (o *nexmarkOptions) runChild(ctx context.Context, exe, work, name, script string, prog *benchProgress) benchResult {
	r := benchResult{Engine: "spry", Query: name, Source: o.source, Events: o.events, Parallelism: o.parallelism, Status: statusFailed}
	file := filepath.Join(work, name+".sql")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		r.Error = err.Error()
		return r
	}
	args := []string{"bench", "run-query", "-f", file, "-p", strconv.Itoa(o.parallelism)}
	for _, d := range o.defines {
		args = append(args, "-D", d)
	}
	if o.profileDir != "" {
		args = append(args, "--cpuprofile", filepath.Join(o.profileDir, name+".pprof"))
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var errBuf tailBuffer
	cmd.Stderr = &errBuf
	out, err := cmd.StdoutPipe()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		r.Error = err.Error()
		return r
	}
	var final *childReport
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var rep childReport
		if json.Unmarshal(sc.Bytes(), &rep) != nil {
			continue // a stray line from a print sink
		}
		if rep.Done {
			final = &rep
			continue
		}
		prog.update(rep.RowsRead)
	}
	waitErr := cmd.Wait()
	r.Seconds = time.Since(start).Seconds()
	cpu, rss := childUsage(cmd.ProcessState)
	r.CPUSeconds, r.PeakRSSBytes = cpu.Seconds(), rss
	switch {
	case final != nil && final.Error != "":
		r.Error = final.Error
	case final == nil || waitErr != nil:
		r.Error = strings.TrimSpace(errBuf.String())
		if r.Error == "" && waitErr != nil {
			r.Error = waitErr.Error()
		}
		if r.Error == "" {
			r.Error = "the query's process ended without a report"
		}
	default:
		r.Status = statusOK
		r.LatencyP50Ms, r.LatencyP99Ms = final.P50, final.P99
		r.setRates()
	}
	if ctx.Err() != nil {
		r.Status, r.Error = statusSkipped, "interrupted"
	}
	return r
}

// tailBuffer keeps the last stderrTail bytes written to it.
type tailBuffer struct{ bytes.Buffer }

func (t *tailBuffer) Write(p []byte) (int, error) {
	n, _ := t.Buffer.Write(p)
	if t.Len() > stderrTail {
		t.Next(t.Len() - stderrTail)
	}
	return n, nil
}
