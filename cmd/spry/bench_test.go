package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateBench = flag.Bool("update", false, "rewrite the golden files in testdata/bench")

func f64(v float64) *float64 { return &v }

// benchFixture is a fixed set of results: ok with and without latency, a
// failure, and a query the reference lacks.
func benchFixture() (ours []benchResult, ref map[string]benchResult) {
	ours = []benchResult{
		{Engine: "spry", Query: "q0", Source: "generator", Events: 1000000, Parallelism: 2, Seconds: 0.5, CPUSeconds: 0.8,
			PeakRSSBytes: 80 << 20, LatencyP50Ms: f64(1.25), LatencyP99Ms: f64(9.5), Status: "ok"},
		{Engine: "spry", Query: "q5", Source: "generator", Events: 1000000, Parallelism: 2, Seconds: 2, CPUSeconds: 3.5,
			PeakRSSBytes: 150 << 20, Status: "ok"},
		{Engine: "spry", Query: "q7", Source: "generator", Events: 1000000, Parallelism: 2, Seconds: 0.1, CPUSeconds: 0.05,
			Status: "failed", Error: "window join: boom\nsecond line"},
	}
	for i := range ours {
		ours[i].setRates()
	}
	ref = map[string]benchResult{
		"q0": {Engine: "flink", Query: "q0", Events: 1000000, Seconds: 4, CPUSeconds: 8, EventsPerSec: 250000, EventsPerSecPerCore: 125000, Status: "ok"},
		"q5": {Engine: "flink", Query: "q5", Events: 1000000, Seconds: 10, CPUSeconds: 20, EventsPerSec: 100000, EventsPerSecPerCore: 50000, Status: "ok"},
	}
	return ours, ref
}

// TestBenchReportGolden renders the fixture in every format, with and
// without a reference, against testdata/bench/*.golden (-update rewrites).
func TestBenchReportGolden(t *testing.T) {
	ours, ref := benchFixture()
	cases := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"table", func(b *bytes.Buffer) error { return writeBenchTable(b, ours, nil) }},
		{"table_ref", func(b *bytes.Buffer) error { return writeBenchTable(b, ours, ref) }},
		{"markdown", func(b *bytes.Buffer) error { return writeBenchMarkdown(b, ours, nil) }},
		{"markdown_ref", func(b *bytes.Buffer) error { return writeBenchMarkdown(b, ours, ref) }},
		{"json", func(b *bytes.Buffer) error { return writeBenchJSON(b, ours) }},
		{"plot_ref.svg", func(b *bytes.Buffer) error {
			svg, err := benchPlot(ours, ref)
			b.Write(svg)
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := c.write(&b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "bench", c.name+".golden")
			if *updateBench {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./cmd/spry -run TestBenchReportGolden -update creates it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("%s differs from the golden file (-update rewrites it); got:\n%s", path, b.String())
			}
		})
	}
}

// TestBenchJSONShape checks the JSON field names other tools read.
func TestBenchJSONShape(t *testing.T) {
	ours, _ := benchFixture()
	var b bytes.Buffer
	if err := writeBenchJSON(&b, ours[1:2]); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"engine", "query", "source", "events", "parallelism", "seconds", "cpu_seconds", "events_per_sec",
		"events_per_sec_per_core", "peak_rss_bytes", "latency_p50_ms", "latency_p99_ms", "status", "error"} {
		if _, ok := got[0][k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b.String())
		}
	}
	if got[0]["latency_p50_ms"] != nil || got[0]["events_per_sec"].(float64) != 500000 {
		t.Errorf("unexpected values: %s", b.String())
	}
}

// runBench runs `spry bench <args>` in-process and returns stdout, stderr
// and the exit code main would use.
func runBench(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := newBenchCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	code := 0
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
		if ee.err != nil {
			errOut.WriteString(ee.err.Error())
		}
	case err != nil:
		code = 2
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

func TestBenchFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--queries", "q0,q55"}, `unknown Nexmark query "q55"`},
		{[]string{"--queries", "q0,qq5"}, `did you mean "q5"?`},
		{[]string{"--queries", ","}, "names no query"},
		{[]string{"--events", "0"}, "--events must be positive"},
		{[]string{"--parallelism", "0"}, "--parallelism must be positive"},
		{[]string{"--source", "s3"}, "--source must be generator or kafka"},
		{[]string{"--format", "xml"}, "--format must be table, markdown or json"},
		{[]string{"--fill-only"}, "add --source kafka"},
		{[]string{"--plot", "chart.png"}, "name a .svg file"},
		{[]string{"-D", "novalue"}, "-D takes key=value"},
		{[]string{"--from", "x.json", "--events", "5"}, "--from reports saved results"},
		{[]string{"--from", "/nonexistent/x.json"}, "no such file"},
	} {
		_, errOut, code := runBench(t, append([]string{"nexmark"}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

// TestBenchFromFile reports saved results with a reference and a plot
// without running anything.
func TestBenchFromFile(t *testing.T) {
	dir := t.TempDir()
	ours, ref := benchFixture()
	write := func(name string, rs []benchResult) string {
		var b bytes.Buffer
		if err := writeBenchJSON(&b, rs); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	from := write("spry.json", ours[:2])
	refFile := write("flink.json", []benchResult{ref["q0"], ref["q5"]})
	plot := filepath.Join(dir, "chart.svg")
	out, errOut, code := runBench(t, "nexmark", "--from", from, "--reference", refFile, "--format", "markdown", "--plot", plot)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "| q0 | 1,000,000 |") || !strings.Contains(out, "| 10.00x |") {
		t.Errorf("report:\n%s", out)
	}
	if svg, err := os.ReadFile(plot); err != nil || !strings.Contains(string(svg), "<svg") {
		t.Errorf("plot: %v", err)
	}
}

// TestBenchNexmarkRun runs two queries through child processes (this test
// binary standing in for spry) and checks the JSON figures.
func TestBenchNexmarkRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two Nexmark queries")
	}
	t.Setenv(envBenchChild, "1")
	outFile := filepath.Join(t.TempDir(), "out.json")
	out, errOut, code := runBench(t, "nexmark", "--queries", "q0,q5", "--events", "20000", "--parallelism", "2",
		"--format", "json", "--out", outFile, "-D", "metrics.latency.interval=1ms")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	var rs []benchResult
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(rs) != 2 || rs[0].Query != "q0" || rs[1].Query != "q5" {
		t.Fatalf("results: %+v", rs)
	}
	for _, r := range rs {
		if r.Status != "ok" || r.Error != "" || r.Events != 20000 || r.Engine != "spry" || r.Source != "generator" || r.Parallelism != 2 {
			t.Errorf("%s: %+v", r.Query, r)
		}
		if r.Seconds <= 0 || r.CPUSeconds <= 0 || r.EventsPerSec <= 0 || r.EventsPerSecPerCore <= 0 || r.PeakRSSBytes <= 1<<20 {
			t.Errorf("%s: figures not positive: %+v", r.Query, r)
		}
	}
	if rs[1].LatencyP50Ms == nil || rs[1].LatencyP99Ms == nil || *rs[1].LatencyP99Ms < *rs[1].LatencyP50Ms {
		t.Errorf("q5 measured no latency with markers every millisecond: %+v", rs[1])
	}
	if !strings.Contains(errOut, "q5: 20,000 events in") {
		t.Errorf("no progress line for q5 on stderr:\n%s", errOut)
	}
	if b, err := os.ReadFile(outFile); err != nil || !bytes.Equal(b, []byte(out)) {
		t.Errorf("--out file differs from stdout: %v", err)
	}
}
