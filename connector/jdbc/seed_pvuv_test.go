package jdbc_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
	"github.com/spry-engine/spry/connector/kafka/kafkatest"
)

// The seed's PV/UV production case, end to end: user-behaviour JSON events
// (out of order within 1 s) in Kafka, an hourly tumbling window computing
// page views and unique visitors, written into a MariaDB table through the
// JDBC sink with 'sink.buffer-flush.max-rows' = '1' (the seed's setting);
// the table's contents are checked against an independent computation.
// TestSeedPVUVSQLite runs the same job on kfake and SQLite, with no server.

func TestSeedPVUVMariaDB(t *testing.T) { seedPVUV(t, kafkatest.Broker(t), jdbctest.MySQL(t)) }

func TestSeedPVUVSQLite(t *testing.T) { seedPVUV(t, kafkatest.Fake(t), jdbctest.SQLite(t)) }

// pvuvEvents makes n events over about five hours from 2017-11-26 01:00
// UTC, a quarter of them one second behind, and returns them as JSON with
// the expected "start|end|pv|uv" rows.
func pvuvEvents(n int) ([]kafkatest.Record, []string) {
	rng := rand.New(rand.NewPCG(2017, 1126))
	start := time.Date(2017, 11, 26, 1, 0, 0, 0, time.UTC)
	behaviors := []string{"pv", "pv", "pv", "cart", "fav", "buy"}
	type hour struct {
		pv    int
		users map[int]bool
	}
	hours := map[time.Time]*hour{}
	var recs []kafkatest.Record
	var maxTS time.Time
	step := 5 * time.Hour / time.Duration(n)
	for i := 0; i < n; i++ {
		ts := start.Add(time.Duration(i) * step).Truncate(time.Second)
		if rng.IntN(4) == 0 {
			ts = ts.Add(-time.Second)
		}
		if ts.Before(start) {
			ts = start
		}
		if ts.Before(maxTS.Add(-time.Second)) { // never later than the 1 s bound
			ts = maxTS.Add(-time.Second)
		}
		if ts.After(maxTS) {
			maxTS = ts
		}
		user := rng.IntN(500) + 1
		recs = append(recs, kafkatest.Record{Value: fmt.Appendf(nil,
			`{"user_id": %d, "item_id": %d, "category_id": %d, "behavior": "%s", "ts": "%s"}`,
			user, rng.IntN(10000), rng.IntN(50), behaviors[rng.IntN(len(behaviors))], ts.Format("2006-01-02T15:04:05Z"))})
		h := ts.Truncate(time.Hour)
		if hours[h] == nil {
			hours[h] = &hour{users: map[int]bool{}}
		}
		hours[h].pv++
		hours[h].users[user] = true
	}
	var want []string
	for h, s := range hours {
		want = append(want, fmt.Sprintf("%s|%s|%d|%d", h.Format(time.DateTime), h.Add(time.Hour).Format(time.DateTime), s.pv, len(s.users)))
	}
	sort.Strings(want)
	return recs, want
}

func seedPVUV(t *testing.T, bootstrap string, srv *jdbctest.Server) {
	recs, want := pvuvEvents(6000)
	topic := kafkatest.Topic(t)
	// One partition: the Kafka source does not generate per-partition
	// watermarks yet, so events of several partitions read in turns could
	// fall behind the 1 s bound.
	kafkatest.CreateTopic(t, bootstrap, topic, 1)
	kafkatest.Produce(t, bootstrap, topic, recs...)
	sinkTable := srv.Table(t, "pvuv")
	ts := map[string]string{"mysql": "DATETIME", "postgres": "TIMESTAMP", "sqlite": "TIMESTAMP"}[srv.Kind]
	srv.Exec(t, fmt.Sprintf("CREATE TABLE %s (startTime %s, endTime %s, pv BIGINT, uv BIGINT)", sinkTable, ts, ts))

	e := env()
	exec(t, e, fmt.Sprintf(`CREATE TABLE user_log (
		user_id BIGINT, item_id BIGINT, category_id BIGINT, behavior STRING, ts STRING,
		rowtime AS TO_TIMESTAMP(ts, 'yyyy-MM-dd''T''HH:mm:ss''Z'''),
		WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND
	) WITH ('connector' = 'kafka', 'topic' = '%s', 'properties.bootstrap.servers' = '%s',
		'properties.group.id' = 'pvuv', 'format' = 'json',
		'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset')`, topic, bootstrap))
	exec(t, e, `CREATE TABLE pvuv_sink (startTime TIMESTAMP(3), endTime TIMESTAMP(3), pv BIGINT, uv BIGINT) `+
		srv.With(sinkTable, "sink.buffer-flush.max-rows", "1"))
	// The seed's job, in the legacy group-window form it was written in.
	insert(t, e, `INSERT INTO pvuv_sink
		SELECT TUMBLE_START(rowtime, INTERVAL '1' HOUR), TUMBLE_END(rowtime, INTERVAL '1' HOUR),
		       COUNT(*), COUNT(DISTINCT user_id)
		FROM user_log GROUP BY TUMBLE(rowtime, INTERVAL '1' HOUR)`)

	rows, err := srv.DB.Query("SELECT startTime, endTime, pv, uv FROM " + sinkTable)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var start, end any
		var pv, uv int64
		if err := rows.Scan(&start, &end, &pv, &uv); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s|%s|%d|%d", dbTime(start), dbTime(end), pv, uv))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s table %s:\n got %s\nwant %s", srv.Kind, sinkTable, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// dbTime prints a DATETIME as the driver returned it (time.Time, or text
// for SQLite) as yyyy-MM-dd HH:mm:ss.
func dbTime(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.DateTime)
	case []byte:
		return strings.TrimSuffix(string(x), ".000")
	case string:
		return strings.TrimSuffix(strings.TrimSuffix(x, "Z"), ".000")
	}
	return fmt.Sprint(v)
}
