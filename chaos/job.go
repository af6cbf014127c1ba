package chaos

import (
	"fmt"
	"strings"
)

// jobSpec names what one job reads and writes.
type jobSpec struct {
	bootstrap string
	bidsTopic string
	catTopic  string
	groupID   string // prefix of the sources' properties.group.id
	outTopic  string // "" = no Kafka sink
	txnPrefix string
	guarantee string // the Kafka sink's sink.delivery-guarantee
	db        *mariaDB
	dbTable   string // "" = no MariaDB sink
	wantRows  int    // rows the job writes to each sink
}

// pipelines are the sinks the job writes, by the suffix of their tables.
func (s jobSpec) pipelines() []string {
	var out []string
	if s.outTopic != "" {
		out = append(out, SinkKafka)
	}
	if s.dbTable != "" {
		out = append(out, SinkMariaDB)
	}
	return out
}

// group is the consumer group of the sources of pipeline p.
func (s jobSpec) group(p string) string { return s.groupID + "_" + p }

// sql is the job's script for bin/spry sql -f: per sink, bids with a
// watermark, a HOP window aggregation per auction, a regular join with
// the auctions' categories and the INSERT (a statement set when both).
// Each sink has its own source tables, so that each pipeline's consumer
// group receives the offsets of its own source when a checkpoint
// completes (Flink's behaviour), which is how the harness sees progress.
func (s jobSpec) sql() string {
	var b strings.Builder
	src := func(topic, group string) string {
		return fmt.Sprintf(`'connector' = 'kafka', 'topic' = '%s', 'properties.bootstrap.servers' = '%s',
	'properties.group.id' = '%s', 'format' = 'json',
	'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'`, topic, s.bootstrap, group)
	}
	const cols = `auction BIGINT, category STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3),
	cnt BIGINT, total BIGINT, max_price BIGINT`
	var inserts []string
	for _, p := range s.pipelines() {
		fmt.Fprintf(&b, `-- the %[1]s pipeline
CREATE TABLE bids_%[1]s (
	auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3),
	WATERMARK FOR ts AS ts - INTERVAL '%[2]d' SECOND
) WITH (%[3]s);

CREATE TABLE categories_%[1]s (auction BIGINT, category STRING) WITH (%[4]s);

CREATE TEMPORARY VIEW windowed_%[1]s AS
SELECT auction, window_start, window_end, COUNT(*) AS cnt, SUM(price) AS total, MAX(price) AS max_price
FROM TABLE(HOP(TABLE bids_%[1]s, DESCRIPTOR(ts), INTERVAL '%[5]d' SECOND, INTERVAL '%[6]d' SECOND))
GROUP BY auction, window_start, window_end;

CREATE TEMPORARY VIEW joined_%[1]s AS
SELECT w.auction, c.category, w.window_start, w.window_end, w.cnt, w.total, w.max_price
FROM windowed_%[1]s AS w JOIN categories_%[1]s AS c ON w.auction = c.auction;

`, p, watermarkDelay, src(s.bidsTopic, s.group(p)), src(s.catTopic, s.group(p)), hopSlide/1000, hopSize/1000)
		switch p {
		case SinkKafka:
			fmt.Fprintf(&b, `CREATE TABLE out_kafka (
	%s
) WITH ('connector' = 'kafka', 'topic' = '%s', 'properties.bootstrap.servers' = '%s', 'format' = 'json',
	'sink.delivery-guarantee' = '%s', 'sink.transactional-id-prefix' = '%s');

`, cols, s.outTopic, s.bootstrap, s.guarantee, s.txnPrefix)
		case SinkMariaDB:
			fmt.Fprintf(&b, `CREATE TABLE out_mariadb (
	%s,
	PRIMARY KEY (auction, window_start, window_end) NOT ENFORCED
) WITH (%s);

`, cols, s.db.with(s.dbTable))
		}
		inserts = append(inserts, fmt.Sprintf("INSERT INTO out_%[1]s SELECT * FROM joined_%[1]s;", p))
	}
	if len(inserts) == 1 {
		b.WriteString(inserts[0] + "\n")
	} else {
		b.WriteString("EXECUTE STATEMENT SET BEGIN\n" + strings.Join(inserts, "\n") + "\nEND;\n")
	}
	return b.String()
}
