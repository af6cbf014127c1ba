// Package kafka is Flink's 'kafka' and 'upsert-kafka' connectors on
// franz-go: a source reading one or more topics (or a topic pattern) and a
// sink writing one topic, with Flink's option names and semantics.
//
// The source assigns partitions to subtasks itself, as Flink's KafkaSource
// does (no consumer-group rebalancing): each subtask reads a fixed subset,
// starting where scan.startup.mode says and, for a bounded scan, stopping
// where scan.bounded.mode says. Its position (next offset per partition,
// and a bounded scan's end offsets) is its checkpoint state
// (connector.CheckpointedSource, source_checkpoint.go). A table's
// WATERMARK clause is pushed into the source, as Flink does: each
// partition keeps its own watermark and the subtask emits the minimum over
// its partitions that are not idle (watermark.go), so a partition lagging
// behind the others on the same subtask does not have its rows dropped as
// late.
//
// Records are decoded by the format registry's record decoders into the
// output columns directly: the value format fills the value columns, the
// key format the key.fields, and the source appends the metadata columns
// (topic, partition, offset, timestamp, timestamp-type, leader-epoch).
//
// The sink writes each row as one record, key and value encoded by their
// formats; upsert-kafka writes a tombstone (null value) for -D and reads
// a compacted topic back as a changelog. With checkpointing the sink
// flushes at each checkpoint ('at-least-once') or writes each
// checkpoint's rows in a Kafka transaction committed when the checkpoint
// completes ('exactly-once', sink_txn.go).
package kafka

import (
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Option keys, as Flink names them.
const (
	OptTopic              = "topic"
	OptTopicPattern       = "topic-pattern"
	OptBootstrap          = "properties.bootstrap.servers"
	OptGroupID            = "properties.group.id"
	OptProperties         = "properties.*"
	OptFormat             = "format"
	OptKeyFormat          = "key.format"
	OptKeyFields          = "key.fields"
	OptKeyFieldsPrefix    = "key.fields-prefix"
	OptValueFormat        = "value.format"
	OptValueFieldsInclude = "value.fields-include"
	OptStartupMode        = "scan.startup.mode"
	OptStartupOffsets     = "scan.startup.specific-offsets"
	OptStartupTimestamp   = "scan.startup.timestamp-millis"
	OptBoundedMode        = "scan.bounded.mode"
	OptBoundedOffsets     = "scan.bounded.specific-offsets"
	OptBoundedTimestamp   = "scan.bounded.timestamp-millis"
	OptDiscoveryInterval  = "scan.topic-partition-discovery.interval"
	OptScanParallelism    = "scan.parallelism"
	OptSinkPartitioner    = "sink.partitioner"
	OptSinkGuarantee      = "sink.delivery-guarantee"
	OptSinkTxnPrefix      = "sink.transactional-id-prefix"
	OptSinkParallelism    = "sink.parallelism"
	OptSinkFlushRows      = "sink.buffer-flush.max-rows"
	OptSinkFlushInterval  = "sink.buffer-flush.interval"
)

// Startup and bounded modes.
const (
	ModeEarliest  = "earliest-offset"
	ModeLatest    = "latest-offset"
	ModeGroup     = "group-offsets"
	ModeTimestamp = "timestamp"
	ModeSpecific  = "specific-offsets"
	ModeUnbounded = "unbounded"
)

var (
	formatOpts = []connector.Option{
		{Key: OptKeyFormat, Type: connector.TypeString,
			Description: "The format used to deserialize and serialize the key part of Kafka messages. If it is set, 'key.fields' is required too."},
		{Key: OptKeyFields, Type: connector.TypeString,
			Description: "The physical columns (separated by ';', e.g. 'id;name') read from and written to the message key, in this order."},
		{Key: OptKeyFieldsPrefix, Type: connector.TypeString,
			Description: "A prefix of the key columns' names that the key format does not see (so key and value columns may share names); requires 'value.fields-include' = 'EXCEPT_KEY'."},
		{Key: OptValueFormat, Type: connector.TypeString,
			Description: "The format used to deserialize and serialize the value part of Kafka messages (same as 'format')."},
		{Key: OptValueFieldsInclude, Type: connector.TypeEnum, Default: "ALL", Enum: []string{"ALL", "EXCEPT_KEY"},
			Description: "Whether the value part holds every physical column (ALL) or all but the key columns (EXCEPT_KEY)."},
	}
	commonOpts = []connector.Option{
		{Key: OptBootstrap, Type: connector.TypeString, Required: true,
			Description: "Comma separated list of Kafka brokers (host:port)."},
		{Key: OptProperties, Type: connector.TypeString, Pattern: true,
			Description: "Kafka client properties. Those with a franz-go equivalent take effect: " + strings.Join(supportedProperties(), ", ") +
				". Other keys are accepted and ignored; 'security.protocol' other than PLAINTEXT is an error (not supported yet)."},
	}
	sinkOpts = []connector.Option{
		{Key: OptSinkGuarantee, Type: connector.TypeEnum, Default: "at-least-once", Enum: []string{"none", "at-least-once", "exactly-once"},
			Description: "The delivery guarantee. 'none': records are sent with leader acknowledgement only and delivery errors are ignored (rows may be lost or duplicated). " +
				"'at-least-once': every record is awaited, with acknowledgements of all in-sync replicas, at each checkpoint and at the end " +
				"of a bounded job, so none is lost; a restored job may write some again. 'exactly-once': the rows between two checkpoints " +
				"go in one Kafka transaction (transactional id '<sink.transactional-id-prefix>-<subtask>-<checkpoint id>'), committed when " +
				"the checkpoint completes; a restored job commits the transactions its checkpoint pre-committed and aborts those of the " +
				"failed run, so a read_committed consumer sees every row once. Needs checkpointing ('execution.checkpointing.interval'); " +
				"rows become visible to read_committed consumers at checkpoint completion, and a checkpoint must complete within " +
				"'properties.transaction.timeout.ms' (default 15 min here, as Flink; the broker caps it at transaction.max.timeout.ms)."},
		{Key: OptSinkTxnPrefix, Type: connector.TypeString,
			Description: "The prefix of the transactional ids of 'exactly-once' (required then). Use a prefix unique to the job: a job " +
				"started without a checkpoint aborts the open transactions of ids with its prefix, starting at checkpoint 1."},
		{Key: OptSinkParallelism, Type: connector.TypeInt,
			Description: "Parallelism of the sink operator (accepted; the planner's parallelism applies)."},
	}
	boundedOpts = []connector.Option{
		{Key: OptBoundedMode, Type: connector.TypeEnum, Default: ModeUnbounded,
			Enum:        []string{ModeUnbounded, ModeLatest, ModeGroup, ModeTimestamp, ModeSpecific},
			Description: "Where a bounded scan ends: 'unbounded' never ends; 'latest-offset' stops at each partition's end offset when the job starts; 'group-offsets' at the group's committed offsets; 'timestamp' at the first record at or after 'scan.bounded.timestamp-millis'; 'specific-offsets' at 'scan.bounded.specific-offsets'."},
		{Key: OptBoundedOffsets, Type: connector.TypeString,
			Description: "The end offsets of each partition for 'specific-offsets' bounded mode, e.g. 'partition:0,offset:42;partition:1,offset:300' (exclusive)."},
		{Key: OptBoundedTimestamp, Type: connector.TypeInt,
			Description: "The end timestamp (epoch milliseconds, exclusive) for 'timestamp' bounded mode."},
	}
)

// Factory is the 'kafka' connector.
var Factory = &connector.Factory{
	Name: "kafka",
	Description: "Reads from and writes to Apache Kafka topics (franz-go client). The source assigns partitions to subtasks " +
		"(partition p of a topic goes to subtask (startIndex(topic) + p) mod parallelism, as Flink), is unbounded unless " +
		"'scan.bounded.mode' is set, and keeps its offsets (and a bounded scan's end offsets) as checkpoint state: a restored " +
		"job resumes each partition after the last row of the checkpoint, whichever subtask reads it now. A WATERMARK clause over the table's columns is " +
		"generated per partition inside the source (the subtask's watermark is the minimum over its partitions; partitions " +
		"without records for 'table.exec.source.idle-timeout' do not hold it back), as Flink. Metadata columns: 'topic' (STRING NOT NULL), " +
		"'partition' (INT NOT NULL), 'offset' (BIGINT NOT NULL), 'timestamp' (TIMESTAMP_LTZ(3) NOT NULL, writable), " +
		"'timestamp-type' (STRING NOT NULL), 'leader-epoch' (INT NULL), 'headers' (MAP<STRING, BYTES> NOT NULL, writable).",
	FormatOption:      OptFormat,
	MoreFormatOptions: []string{OptKeyFormat, OptValueFormat},
	Options: concat([]connector.Option{
		{Key: OptTopic, Type: connector.TypeString,
			Description: "Topic name(s) to read from (separated by ';') or the topic to write to. Either 'topic' or 'topic-pattern' for a source."},
		{Key: OptTopicPattern, Type: connector.TypeString,
			Description: "A regular expression of the topics to read; topics created later are found by partition discovery."},
		{Key: OptGroupID, Type: connector.TypeString,
			Description: "The consumer group id: 'group-offsets' modes read its committed offsets; the source commits each completed checkpoint's offsets to it ('properties.commit.offsets.on.checkpoint', default true), and with 'properties.enable.auto.commit' = 'true' also its position every 'properties.auto.commit.interval.ms'. A restored job reads from its checkpoint, not from the group."},
		{Key: OptFormat, Type: connector.TypeString,
			Description: "The format of the value part of Kafka messages (json, csv, raw, avro, debezium-json, canal-json, ...). Either 'format' or 'value.format'."},
	}, formatOpts, commonOpts, []connector.Option{
		{Key: OptStartupMode, Type: connector.TypeEnum, Default: ModeGroup,
			Enum:        []string{ModeEarliest, ModeLatest, ModeGroup, ModeTimestamp, ModeSpecific},
			Description: "Startup mode: 'earliest-offset', 'latest-offset', 'group-offsets' (the group's committed offsets; partitions without one follow 'properties.auto.offset.reset', default none = fail), 'timestamp' ('scan.startup.timestamp-millis'), 'specific-offsets' ('scan.startup.specific-offsets'; other partitions start at the group's committed offset when 'properties.group.id' has one, else at the earliest offset)."},
		{Key: OptStartupOffsets, Type: connector.TypeString,
			Description: "Start offsets per partition for 'specific-offsets' startup mode, e.g. 'partition:0,offset:42;partition:1,offset:300'."},
		{Key: OptStartupTimestamp, Type: connector.TypeInt,
			Description: "Start from the first record whose timestamp is at or after this epoch millisecond ('timestamp' startup mode)."},
	}, boundedOpts, []connector.Option{
		{Key: OptDiscoveryInterval, Type: connector.TypeDuration, Default: "5 min",
			Description: "How often an unbounded source looks for new partitions (and topics matching 'topic-pattern'); new partitions are read from the earliest offset. '0' disables discovery."},
		{Key: OptScanParallelism, Type: connector.TypeInt,
			Description: "Caps the source's parallelism."},
		{Key: OptSinkPartitioner, Type: connector.TypeString, Default: "default",
			Description: "How rows map to partitions: 'default' (murmur2 of the key as Kafka's producer, sticky for records without key), 'fixed' (sink subtask i writes partition i mod partitions), 'round-robin' (rows in turn, ignoring keys)."},
	}, sinkOpts),
	NewSource: newSource,
	NewSink:   newSink,
	SourceBounded: func(opts map[string]string) bool {
		m, ok := opts[OptBoundedMode]
		return ok && !strings.EqualFold(m, ModeUnbounded)
	},
	SourceMode: func(opts map[string]string) types.ChangelogMode {
		return format.ChangelogMode(valueFormatKey(opts), opts)
	},
	SinkMode: func(opts map[string]string) types.ChangelogMode {
		return format.SinkChangelogMode(valueFormatKey(opts), opts)
	},
	SourceParallelism: scanParallelism,
	// json-like formats decode only the projected columns (project.go).
	SupportsProjection: true,
}

func init() {
	connector.Register(Factory)
	connector.Register(UpsertFactory)
}

// valueFormatKey is the option choosing the value format: 'value.format'
// when set, else 'format'.
func valueFormatKey(opts map[string]string) string {
	if _, ok := opts[OptValueFormat]; ok {
		return OptValueFormat
	}
	return OptFormat
}

func scanParallelism(opts map[string]string) int {
	if v, ok := opts[OptScanParallelism]; ok {
		n, _ := parseInt(v)
		return int(n)
	}
	return 0
}

func concat(lists ...[]connector.Option) []connector.Option {
	var out []connector.Option
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
