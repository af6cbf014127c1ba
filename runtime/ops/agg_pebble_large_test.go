package ops

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// The larger-than-memory test runs the same streaming aggregation twice,
// each in a child process of the test binary so that heap figures are its
// own: on the heap backend (no memory limit, to measure the state's size)
// and on the pebble backend with a Go memory limit of a fraction of it.
//
//	go test ./runtime/ops -run TestPebbleAggLargerThanMemory -v
//
// prints both runs' figures. Measured on 2 shared cores, 1 M keys, 2 M
// rows, 3 M changes:
//
//	hashmap: live heap after the run 135 MB, peak heap 281 MB, peak RSS 317 MB, 1.2 s
//	pebble, GOMEMLIMIT=32 MiB: live heap 20 MB, peak heap 25 MB, peak RSS 181 MB
//	(block cache and memtables are outside the Go heap), 21 s
//
// SPRY_TEST_LARGE_AGG_KEYS=2000000 doubles it (with GOMEMLIMIT=32 MiB:
// live heap 21 MB, peak heap 44 MB against the heap backend's 265 MB).
var largeKeys = int64(1_000_000)

const (
	largeEnv      = "SPRY_TEST_LARGE_AGG_BACKEND"
	largeKeysEnv  = "SPRY_TEST_LARGE_AGG_KEYS" // overrides largeKeys (profiling)
	largePasses   = 2
	largeMemLimit = 32 << 20
)

func TestPebbleAggLargerThanMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("larger-than-memory run skipped in -short mode")
	}
	heap := runLargeChild(t, "hashmap", 0)
	disk := runLargeChild(t, "pebble", largeMemLimit)
	t.Logf("hashmap: %v", heap)
	t.Logf("pebble (GOMEMLIMIT=%d MiB): %v", largeMemLimit>>20, disk)
	state := heap["live_heap"]
	if state < 3*largeMemLimit {
		t.Fatalf("the heap backend holds %d MiB of state: not several times the %d MiB limit", state>>20, largeMemLimit>>20)
	}
	if disk["peak_heap"] >= state/2 {
		t.Errorf("pebble peak heap %d MiB, the heap backend's state is %d MiB", disk["peak_heap"]>>20, state>>20)
	}
}

// runLargeChild runs TestPebbleAggLargeChild in a child process and returns
// the figures it reports.
func runLargeChild(t *testing.T, backend string, limit int64) map[string]int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPebbleAggLargeChild$", "-test.v")
	cmd.Env = append(os.Environ(), largeEnv+"="+backend, "GOGC=100")
	if limit > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("GOMEMLIMIT=%d", limit))
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s child: %v\n%s", backend, err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "RESULT "); ok {
			m := map[string]int64{}
			for _, f := range strings.Fields(rest) {
				k, v, _ := strings.Cut(f, "=")
				m[k], _ = strconv.ParseInt(v, 10, 64)
			}
			return m
		}
	}
	t.Fatalf("%s child printed no result:\n%s", backend, out)
	return nil
}

// TestPebbleAggLargeChild is the child: GROUP BY k with COUNT(*) and SUM(v)
// over largeKeys keys, each seen largePasses times (v = k + pass) in
// per-record mode, checking every change against the closed form as it
// is emitted (so the check keeps nothing per key).
func TestPebbleAggLargeChild(t *testing.T) {
	backend := os.Getenv(largeEnv)
	if backend == "" {
		t.Skip("run by TestPebbleAggLargerThanMemory")
	}
	if n, err := strconv.ParseInt(os.Getenv(largeKeysEnv), 10, 64); err == nil && n > 0 {
		largeKeys = n
	}
	in := types.NewSchema(types.Field{Name: "k", Type: types.BigInt}, types.Field{Name: "v", Type: types.BigInt})
	count := expr.Builtins.Aggregate("COUNT")
	sum := expr.Builtins.Aggregate("SUM")
	crt, cf, err := count.Bind(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	srt, sf, err := sum.Bind([]expr.Arg{{Type: types.BigInt}}, false)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &AggConfig{Keys: []int{0}, InSchema: in, Streaming: true, InputInsertOnly: true, Calls: []AggCall{
		{Name: "COUNT(*)", Factory: cf, Filter: -1, Type: crt},
		{Name: "SUM(v)", Factory: sf, Args: []int{1}, Filter: -1, Type: srt},
	}}
	op, err := NewHashAgg(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &OpContext{Ctx: context.Background(), Eval: expr.NewContext(nil), Parallelism: 1, MaxParallelism: 128,
		StateBackend: backend, StateDir: t.TempDir()}
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	chk := &closedFormCheck{t: t}
	var peak uint64
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	start := time.Now()
	const batchRows = 8192
	keys := make([]int64, batchRows)
	vals := make([]int64, batchRows)
	for pass := int64(0); pass < largePasses; pass++ {
		chk.pass = pass
		for lo := int64(0); lo < largeKeys; lo += batchRows {
			n := min(batchRows, largeKeys-lo)
			for i := range n {
				keys[i], vals[i] = lo+i, lo+i+pass
			}
			b := types.NewBatch(in, []arrow.Array{int64Arr(keys[:n]), int64Arr(vals[:n])}, nil, int(n))
			if err := op.ProcessBatch(0, b, chk); err != nil {
				t.Fatal(err)
			}
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
		}
	}
	elapsed := time.Since(start)
	if a := op.(*hashAgg); a.disk != nil && os.Getenv("SPRY_TEST_PEBBLE_METRICS") != "" {
		fmt.Println(a.disk.store.DB().Metrics())
	}
	if want := largeKeys * (2*largePasses - 1); chk.rows != want {
		t.Fatalf("%d changes, want %d", chk.rows, want)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(op)
	fmt.Printf("RESULT keys=%d rows=%d changes=%d elapsed_ms=%d peak_heap=%d live_heap=%d max_rss=%d mem_limit=%d\n",
		largeKeys, largeKeys*largePasses, chk.rows, elapsed.Milliseconds(), peak, ms.HeapAlloc, maxRSS(), debug.SetMemoryLimit(-1))
}

func int64Arr(v []int64) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(v, nil)
	return b.NewArray()
}

// closedFormCheck checks each change of pass p of key k: +I[k, 1, k] on the
// first pass, then -U with the previous pass's values and +U with
// count p+1 and sum (p+1)k + p(p+1)/2.
type closedFormCheck struct {
	t    *testing.T
	pass int64
	rows int64
}

func (c *closedFormCheck) Emit(b *types.Batch) error {
	ks := b.Cols[0].(*array.Int64).Int64Values()
	cs := b.Cols[1].(*array.Int64).Int64Values()
	ss := b.Cols[2].(*array.Int64).Int64Values()
	for i := range ks {
		p := c.pass
		kind := types.Insert
		if b.Kinds != nil {
			kind = b.Kinds[i]
		}
		switch {
		case p == 0 && kind == types.Insert:
		case p > 0 && kind == types.UpdateBefore:
			p--
		case p > 0 && kind == types.UpdateAfter:
		default:
			return fmt.Errorf("key %d pass %d: unexpected %s", ks[i], c.pass, kind)
		}
		k := ks[i]
		if cs[i] != p+1 || ss[i] != (p+1)*k+p*(p+1)/2 {
			return fmt.Errorf("key %d pass %d: %s count %d sum %d, want %d %d", k, c.pass, kind, cs[i], ss[i], p+1, (p+1)*k+p*(p+1)/2)
		}
	}
	c.rows += int64(len(ks))
	return nil
}

// maxRSS returns the process's peak resident set (VmHWM), 0 where unknown.
func maxRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
