package jdbc_test

import (
	"fmt"
	"testing"

	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
	"github.com/spry-engine/spry/connector/kafka/kafkatest"
)

// The acceptance case: a Kafka stream enriched by a lookup join on
// a PostgreSQL dimension table with the PARTIAL cache. The SQLite and
// in-process Kafka (kfake) variant runs without servers.
func TestKafkaLookupSQLite(t *testing.T) { kafkaLookup(t, kafkatest.Fake(t), jdbctest.SQLite(t)) }

func TestKafkaLookupPostgres(t *testing.T) {
	kafkaLookup(t, kafkatest.Broker(t), jdbctest.Postgres(t))
}

func kafkaLookup(t *testing.T, bootstrap string, srv *jdbctest.Server) {
	users := srv.Table(t, "users")
	srv.Exec(t, "CREATE TABLE "+users+" (id INT PRIMARY KEY, name VARCHAR(20), tier VARCHAR(10))",
		"INSERT INTO "+users+" VALUES (1, 'ann', 'gold'), (2, 'bob', 'free'), (3, 'cyd', 'gold')")
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, topic, 2)
	var recs []kafkatest.Record
	for i := 0; i < 60; i++ {
		recs = append(recs, kafkatest.Record{Partition: int32(i % 2),
			Value: fmt.Appendf(nil, `{"uid": %d, "bytes": %d}`, i%5, i)}) // uid 0 and 4 are unknown
	}
	kafkatest.Produce(t, bootstrap, topic, recs...)
	e := env()
	exec(t, e, fmt.Sprintf(`CREATE TABLE clicks (uid INT, bytes BIGINT, proc AS PROCTIME()) WITH ('connector' = 'kafka',
		'topic' = '%s', 'properties.bootstrap.servers' = '%s', 'value.format' = 'json',
		'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset')`, topic, bootstrap))
	exec(t, e, "CREATE TABLE users (id INT, name STRING, tier STRING, PRIMARY KEY (id) NOT ENFORCED) "+srv.With(users,
		"lookup.cache", "PARTIAL", "lookup.partial-cache.max-rows", "100", "lookup.partial-cache.expire-after-write", "10 min"))
	got := query(t, e, `SELECT u.tier, COUNT(*), SUM(c.bytes), COUNT(DISTINCT u.name) FROM clicks AS c
		JOIN users FOR SYSTEM_TIME AS OF c.proc AS u ON c.uid = u.id GROUP BY u.tier`)
	// uid 1 and 3 (gold): i = 1, 6, ..., 56 and 3, 8, ..., 58; uid 2 (free): 2, 7, ..., 57.
	check(t, "enriched clicks", got, "+I[free, 12, 354, 1]", "+I[gold, 24, 708, 2]")
}
