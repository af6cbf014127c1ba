package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	nexmarkbench "github.com/spry-engine/spry/bench/nexmark"
	"github.com/spry-engine/spry/connector/kafka/kafkatest"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// TestBenchNexmarkKafka fills a topic with 20,000 events, runs q0 and q5
// over it through the command, checks that the records are what Flink's
// json format reads, and that each query's result over Kafka has as many
// rows as over the generator.
func TestBenchNexmarkKafka(t *testing.T) {
	bootstrap := kafkatest.Broker(t)
	if testing.Short() {
		t.Skip("fills a Kafka topic and runs two queries")
	}
	t.Setenv(envBenchChild, "1")
	topic := kafkatest.Topic(t)
	const events = 20000
	args := []string{"nexmark", "--source", "kafka", "--events", "20000", "--parallelism", "2", "--topic", topic, "--bootstrap-servers", bootstrap}
	out, errOut, code := runBench(t, append(args, "--queries", "q0,q5", "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(errOut, "filled topic "+topic+" (2 partitions) with 20,000 events") {
		t.Errorf("no fill line on stderr:\n%s", errOut)
	}
	var rs []benchResult
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 2 {
		t.Fatalf("%v: %s", err, out)
	}
	for _, r := range rs {
		if r.Status != statusOK || r.Source != "kafka" || r.Events != events || r.EventsPerSecPerCore <= 0 {
			t.Errorf("%s: %+v", r.Query, r)
		}
	}
	// A second fill finds the topic full and leaves it alone.
	if _, errOut, code := runBench(t, append(args, "--fill-only")...); code != 0 || !strings.Contains(errOut, "reusing it") {
		t.Errorf("--fill-only on a full topic: exit %d, %s", code, errOut)
	}
	checkFlinkJSON(t, bootstrap, topic)
	p := nexmarkbench.Params{Events: events, TPS: 10_000_000, Dir: t.TempDir(), Topic: topic, Bootstrap: bootstrap}
	for _, q := range []string{"q0", "q5"} {
		gen, kafka := p, p
		gen.Source, kafka.Source = nexmarkbench.SourceGenerator, nexmarkbench.SourceKafka
		want, got := queryRows(t, q, gen), queryRows(t, q, kafka)
		if want == 0 || got != want {
			t.Errorf("%s: %d rows over Kafka, %d over the generator", q, got, want)
		}
	}
}

// flinkTimestamp is Flink's SQL timestamp format as its json format reads it.
var flinkTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})?$`)

// checkFlinkJSON reads the topic's first records and checks that Flink's
// json format would read them: event_type set, the two unused rows null,
// timestamps in the SQL standard form.
func checkFlinkJSON(t *testing.T, bootstrap, topic string) {
	t.Helper()
	recs := kafkatest.ReadAll(t, bootstrap, topic)
	if len(recs) == 0 {
		t.Fatal("no records in the topic")
	}
	kinds := map[float64]bool{}
	for _, rec := range recs[:min(len(recs), 200)] {
		var m map[string]any
		if err := json.Unmarshal(rec.Value, &m); err != nil {
			t.Fatalf("%v: %s", err, rec.Value)
		}
		et, _ := m["event_type"].(float64)
		kinds[et] = true
		for i, name := range []string{"person", "auction", "bid"} {
			v, present := m[name]
			if !present {
				t.Fatalf("%q missing (Flink writes null): %s", name, rec.Value)
			}
			if float64(i) != et {
				if v != nil {
					t.Fatalf("%q of an event of type %v is not null: %s", name, et, rec.Value)
				}
				continue
			}
			row, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%q is not an object: %s", name, rec.Value)
			}
			if ts, _ := row["dateTime"].(string); !flinkTimestamp.MatchString(ts) {
				t.Fatalf("%s.dateTime %q is not Flink's SQL timestamp format", name, row["dateTime"])
			}
		}
	}
	if len(kinds) != 3 {
		t.Errorf("event types seen: %v, want 0, 1 and 2", kinds)
	}
}

// queryRows runs query q's SELECT (without its INSERT) over p's source
// and returns the size of its final result (inserts minus retractions).
func queryRows(t *testing.T, q string, p nexmarkbench.Params) int {
	t.Helper()
	script, err := nexmarkbench.Render(q, p)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := table.NewEnvironment(table.Settings{Parallelism: 2})
	stmts := nexmarkbench.Split(script)
	for _, st := range stmts[:len(stmts)-1] {
		if _, err := env.ExecuteSQL(ctx, st); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_, sel, _ := strings.Cut(stmts[len(stmts)-1], "\n") // INSERT INTO nexmark_qN \n SELECT ...
	r, err := env.ExecuteSQL(ctx, sel)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	bs, err := r.Collect(ctx)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	n := 0
	for _, b := range bs {
		for i := 0; i < b.Len(); i++ {
			switch b.Kind(i) {
			case types.Insert, types.UpdateAfter:
				n++
			default:
				n--
			}
		}
	}
	return n
}
