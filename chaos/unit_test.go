package chaos

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name      string
		want, got []string
		lost, dup int
	}{
		{"equal", []string{"a", "b", "b"}, []string{"b", "a", "b"}, 0, 0},
		{"lost", []string{"a", "b", "c"}, []string{"a"}, 2, 0},
		{"duplicated", []string{"a", "b"}, []string{"a", "b", "b", "a"}, 0, 2},
		{"multiplicity", []string{"a", "a"}, []string{"a"}, 1, 0},
		{"wrong value", []string{"a|1"}, []string{"a|2"}, 1, 1},
		{"empty", nil, nil, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Compare(tc.want, tc.got)
			if d.Lost != tc.lost || d.Duplicated != tc.dup {
				t.Errorf("Compare = lost %d duplicated %d, want %d %d (%s)", d.Lost, d.Duplicated, tc.lost, tc.dup, d)
			}
			if d.OK() != (tc.lost == 0 && tc.dup == 0) {
				t.Errorf("OK() = %v", d.OK())
			}
		})
	}
	if got := (Diff{Lost: 1, Duplicated: 2}).Line(7); got != "kills=7 lost=1 duplicated=2" {
		t.Errorf("Line = %q", got)
	}
}

// TestExpected checks the oracle on bids small enough to work out by hand:
// each bid falls in the two HOP windows (5 s slide, 10 s size) that
// contain it, and auctions without a category are dropped by the join.
func TestExpected(t *testing.T) {
	in := &Input{
		Bids: []Bid{
			{Auction: 1, Price: 10, TS: epoch + 1_000},
			{Auction: 1, Price: 30, TS: epoch + 6_000},
			{Auction: 2, Price: 5, TS: epoch + 2_000},
			{Auction: 10, Price: 99, TS: epoch + 2_000},
		},
		Categories: map[int64]string{1: "cat-1", 2: "cat-2"},
	}
	got := Keys(Expected(in))
	want := []string{
		"1|cat-1|2025-12-31 23:59:55.000|2026-01-01 00:00:05.000|1|10|10",
		"2|cat-2|2025-12-31 23:59:55.000|2026-01-01 00:00:05.000|1|5|5",
		"1|cat-1|2026-01-01 00:00:00.000|2026-01-01 00:00:10.000|2|40|30",
		"2|cat-2|2026-01-01 00:00:00.000|2026-01-01 00:00:10.000|1|5|5",
		"1|cat-1|2026-01-01 00:00:05.000|2026-01-01 00:00:15.000|1|30|30",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Expected:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestGenerateNeverLate checks the property the job's determinism rests
// on: no bid is further behind the newest earlier bid than the watermark
// delay, so none is ever dropped as late.
func TestGenerateNeverLate(t *testing.T) {
	in := Generate(7, 50_000, 100)
	var maxTS int64
	for i, b := range in.Bids {
		if b.TS <= maxTS-watermarkDelay*1000 {
			t.Fatalf("bid %d at %d is late: the newest bid before it is at %d", i, b.TS, maxTS)
		}
		maxTS = max(maxTS, b.TS)
	}
	if again := Generate(7, 50_000, 100); again.Bids[49_999] != in.Bids[49_999] {
		t.Error("Generate is not deterministic for a seed")
	}
}

func TestOutKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"auction":3,"category":"cat-3","window_start":"2026-01-01 00:00:05","window_end":"2026-01-01 00:00:15","cnt":2,"total":7,"max_price":5}`,
			"3|cat-3|2026-01-01 00:00:05.000|2026-01-01 00:00:15.000|2|7|5"},
		{`{"auction":3,"category":"c","window_start":"2026-01-01T00:00:05.000","window_end":"2026-01-01 00:00:15.000","cnt":1,"total":1,"max_price":1}`,
			"3|c|2026-01-01 00:00:05.000|2026-01-01 00:00:15.000|1|1|1"},
	}
	for _, tc := range tests {
		got, err := outKey([]byte(tc.in))
		if err != nil || got != tc.want {
			t.Errorf("outKey(%s) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := outKey([]byte(`{"window_start":"yesterday"}`)); err == nil {
		t.Error("outKey accepted a bad timestamp")
	}
}

func TestLatestCheckpoint(t *testing.T) {
	dir := t.TempDir()
	mk := func(rel string, meta string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if meta != "-" {
			if err := os.WriteFile(filepath.Join(p, "_metadata"), []byte(meta), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if p, _, _ := latestCheckpoint(dir); p != "" {
		t.Fatalf("latestCheckpoint of an empty dir = %q", p)
	}
	mk("job-a/chk-3", "m")
	mk("job-b/chk-9", "m")
	mk("job-b/chk-12", "-") // no _metadata: incomplete
	mk("job-b/chk-11", "")  // empty _metadata: being written
	mk("job-b/shared", "-")
	p, id, err := latestCheckpoint(dir)
	if err != nil || id != 9 || p != filepath.Join(dir, "job-b", "chk-9") {
		t.Errorf("latestCheckpoint = %q, %d, %v; want job-b/chk-9", p, id, err)
	}
}

func TestJobSQL(t *testing.T) {
	s := jobSpec{bootstrap: "b:1", bidsTopic: "bids", catTopic: "cats", groupID: "g", outTopic: "out", txnPrefix: "tx", guarantee: "exactly-once",
		db: &mariaDB{jdbcURL: "jdbc:mysql://h/db", user: "u", password: "p"}, dbTable: "t"}
	both := s.sql()
	for _, want := range []string{"HOP(TABLE bids_kafka, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)",
		"'sink.delivery-guarantee' = 'exactly-once'", "'sink.transactional-id-prefix' = 'tx'",
		"EXECUTE STATEMENT SET BEGIN", "PRIMARY KEY (auction, window_start, window_end) NOT ENFORCED",
		"'scan.bounded.mode' = 'latest-offset'", "'properties.group.id' = 'g_mariadb'", "WATERMARK FOR ts AS ts - INTERVAL '3' SECOND"} {
		if !strings.Contains(both, want) {
			t.Errorf("the job lacks %q:\n%s", want, both)
		}
	}
	s.dbTable = ""
	if one := s.sql(); strings.Contains(one, "STATEMENT SET") || strings.Contains(one, "out_mariadb") {
		t.Errorf("a Kafka-only job has a statement set or a table sink:\n%s", one)
	}
}
