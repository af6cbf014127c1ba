package runtime

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/runtime/ops"
)

// BenchmarkPipeline measures rows/s through source → Calc → blackhole sink,
// chained in one goroutine and spread over a hash exchange.
func BenchmarkPipeline(b *testing.B) {
	const batchRows, batches = 4096, 64
	batch := wordBatch(batchRows)
	var rows, finished atomic.Int64
	blackhole := &connector.Factory{Name: "blackhole", NewSink: func(*connector.Table) (connector.Sink, error) {
		return &countingSink{rows: &rows, finished: &finished}, nil
	}}
	sink := ops.Spec{Kind: ops.KindSink, Config: &ops.SinkConfig{Factory: blackhole,
		Table: &connector.Table{Name: "default_catalog.default_database.blackhole", Schema: outSchema}}}
	graphs := map[string]*JobGraph{
		"chained": {Vertices: []*Vertex{{ID: 1, Parallelism: 1, Chain: []ops.Spec{genSpec(batch, batches), calcSpec(), sink}}}},
		"hash-p4": {Vertices: []*Vertex{
			{ID: 1, Parallelism: 4, Chain: []ops.Spec{genSpec(batch, batches/4)}},
			{ID: 2, Parallelism: 4, Chain: []ops.Spec{calcSpec(), sink}},
		}, Edges: []*Edge{{From: 1, To: 2, Partition: Hash, Keys: []int{0}}}},
	}
	for _, name := range []string{"chained", "hash-p4"} {
		b.Run(name, func(b *testing.B) {
			rows.Store(0)
			for b.Loop() {
				job, err := Execute(context.Background(), graphs[name], Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := job.Wait(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batchRows*batches)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			if rows.Load() == 0 {
				b.Fatal(fmt.Sprint("no rows reached the sink"))
			}
		})
	}
}
