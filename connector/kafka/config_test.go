package kafka

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

func testTable(opts map[string]string) *connector.Table {
	base := map[string]string{"connector": "kafka", "topic": "t", "properties.bootstrap.servers": "127.0.0.1:1", "format": "json"}
	for k, v := range opts {
		if v == "" {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	return &connector.Table{Name: "cat.db.k", Options: base, Schema: &types.Schema{Fields: []types.Field{
		{Name: "id", Type: types.BigInt}, {Name: "name", Type: types.String}, {Name: "ts", Type: types.TimestampLTZp(3)},
	}}, Metadata: []string{"", "", "timestamp"}}
}

// TestConfigErrors checks the WITH clauses that validate key by key but
// make no usable table, with Flink's messages.
func TestConfigErrors(t *testing.T) {
	tests := []struct {
		opts map[string]string
		want string
	}{
		{map[string]string{"topic-pattern": "a.*"}, "shouldn't be set together"},
		{map[string]string{"topic": ""}, "Either 'topic' or 'topic-pattern' must be set"},
		{map[string]string{"scan.startup.mode": "specific-offsets"}, "'scan.startup.specific-offsets' is required"},
		{map[string]string{"scan.startup.mode": "specific-offsets", "scan.startup.specific-offsets": "p0:1"}, "should follow the format"},
		{map[string]string{"scan.startup.mode": "timestamp"}, "'scan.startup.timestamp-millis' is required in 'timestamp' startup mode"},
		{map[string]string{"scan.bounded.mode": "timestamp"}, "'scan.bounded.timestamp-millis' is required in 'timestamp' bounded mode"},
		{map[string]string{"scan.startup.mode": "group-offsets"}, "'properties.group.id' is required"},
		{map[string]string{"scan.startup.mode": "earliest-offset", "key.format": "json"}, "requires the declaration of one or more of key fields"},
		{map[string]string{"scan.startup.mode": "earliest-offset", "key.fields": "id"}, "can only be declared if a key format is defined"},
		{map[string]string{"scan.startup.mode": "earliest-offset", "key.format": "json", "key.fields": "nope"}, "Could not find the field 'nope'"},
		{map[string]string{"scan.startup.mode": "earliest-offset", "key.format": "json", "key.fields": "id", "key.fields-prefix": "k_"}, "A key prefix is not allowed"},
		{map[string]string{"scan.startup.mode": "earliest-offset", "properties.security.protocol": "SASL_SSL"}, "not supported yet"},
	}
	for _, tc := range tests {
		_, err := newSource(testTable(tc.opts))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want it to contain %q", tc.opts, err, tc.want)
		}
	}
	var ue *UnsupportedError
	if _, err := newSink(testTable(map[string]string{"sink.partitioner": "com.example.MyPartitioner"})); !errors.As(err, &ue) {
		t.Errorf("custom partitioner class: %v", err)
	}
	if _, err := UpsertFactory.NewSource(testTable(map[string]string{"key.format": "json", "value.format": "json", "format": ""})); err == nil || !strings.Contains(err.Error(), "PRIMARY KEY") {
		t.Errorf("upsert-kafka without a primary key: %v", err)
	}
}

// TestValidateOptions checks the spec: unknown keys get a suggestion,
// key and value format options are accepted under their prefixes.
func TestValidateOptions(t *testing.T) {
	ok := map[string]string{"topic": "t", "properties.bootstrap.servers": "b", "key.format": "json", "key.fields": "id",
		"value.format": "json", "value.json.ignore-parse-errors": "true", "key.json.fail-on-missing-field": "true",
		"properties.linger.ms": "5", "scan.bounded.mode": "latest-offset"}
	if err := connector.ValidateTable(Factory, "k", ok); err != nil {
		t.Errorf("valid options rejected: %v", err)
	}
	bad := map[string]string{"topic": "t", "properties.bootstrap.servers": "b", "format": "json", "scan.startup.mod": "x"}
	if err := connector.ValidateTable(Factory, "k", bad); err == nil || !strings.Contains(err.Error(), "Did you mean 'scan.startup.mode'") {
		t.Errorf("typo: %v", err)
	}
	if Factory.SourceBounded(map[string]string{}) || !Factory.SourceBounded(map[string]string{"scan.bounded.mode": "latest-offset"}) {
		t.Error("SourceBounded follows scan.bounded.mode")
	}
}

// TestOwner checks Flink's split assignment: one topic's partitions go
// round-robin over the subtasks from the topic's start index.
func TestOwner(t *testing.T) {
	if javaHash("orders") != -1008770331 { // "orders".hashCode() in Java
		t.Errorf("javaHash(orders) = %d", javaHash("orders"))
	}
	counts := make([]int, 3)
	start := owner(tp{"orders", 0}, 3)
	for p := int32(0); p < 9; p++ {
		o := owner(tp{"orders", p}, 3)
		if o != (start+int(p))%3 {
			t.Errorf("partition %d → subtask %d", p, o)
		}
		counts[o]++
	}
	if counts[0] != 3 || counts[1] != 3 || counts[2] != 3 {
		t.Errorf("unbalanced: %v", counts)
	}
}

// TestUnreachableBroker: a wrong address fails Open within seconds with
// an error naming the option and the servers.
func TestUnreachableBroker(t *testing.T) {
	src, err := newSource(testTable(map[string]string{"scan.startup.mode": "earliest-offset"}))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = src.Open(context.Background(), connector.Task{Parallelism: 1, BatchSize: 10})
	var ce *ConnectError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "'properties.bootstrap.servers' = '127.0.0.1:1'") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("took %s to fail", d)
	}
	sink, err := newSink(testTable(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Open(context.Background(), connector.Task{Parallelism: 1}); !errors.As(err, &ce) {
		t.Errorf("sink: %v", err)
	}
}

func TestParseOffsets(t *testing.T) {
	got, err := parseOffsets("partition:0,offset:42;partition:1,offset:300", OptStartupOffsets)
	if err != nil || len(got) != 2 || got[0] != 42 || got[1] != 300 {
		t.Errorf("got %v, %v", got, err)
	}
}
