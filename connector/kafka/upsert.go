package kafka

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// UpsertFactory is the 'upsert-kafka' connector: a table with a primary
// key whose rows are the latest value per key of a (compacted) topic.
var UpsertFactory = &connector.Factory{
	Name: "upsert-kafka",
	Description: "Reads a Kafka topic as a changelog keyed on the table's PRIMARY KEY and writes a changelog into one: " +
		"a record is an upsert of its key, a record with a null value (tombstone) deletes it. The source normalises the " +
		"upserts (Flink's ChangelogNormalize): the first record of a key is +I, later ones -U (previous row) and +U, " +
		"a tombstone -D (previous row); it keeps the latest value per key in memory. The sink writes +I/+U rows as " +
		"records and -D as tombstones (the planner drops -U rows before an upsert sink). A WATERMARK clause is generated " +
		"per partition inside the source, as for 'kafka'.",
	MoreFormatOptions: []string{OptKeyFormat, OptValueFormat},
	Options: concat([]connector.Option{
		{Key: OptTopic, Type: connector.TypeString, Required: true,
			Description: "The topic to read from and write to."},
		{Key: OptKeyFormat, Type: connector.TypeString, Required: true,
			Description: "The format of the key part of Kafka messages; the key holds the primary key columns."},
		{Key: OptKeyFieldsPrefix, Type: connector.TypeString,
			Description: "A prefix of the key columns' names that the key format does not see; requires 'value.fields-include' = 'EXCEPT_KEY'."},
		{Key: OptValueFormat, Type: connector.TypeString, Required: true,
			Description: "The format of the value part of Kafka messages."},
		{Key: OptValueFieldsInclude, Type: connector.TypeEnum, Default: "ALL", Enum: []string{"ALL", "EXCEPT_KEY"},
			Description: "Whether the value part holds every physical column (ALL) or all but the key columns (EXCEPT_KEY)."},
	}, commonOpts, boundedOpts, sinkOpts, []connector.Option{
		{Key: OptSinkFlushRows, Type: connector.TypeInt, Default: "0",
			Description: "Accepted for compatibility: the sink hands every row to the producer, which batches by itself."},
		{Key: OptSinkFlushInterval, Type: connector.TypeDuration, Default: "0",
			Description: "Accepted for compatibility (see 'sink.buffer-flush.max-rows')."},
	}),
	NewSource: func(t *connector.Table) (connector.Source, error) {
		if err := requirePrimaryKey(t); err != nil {
			return nil, err
		}
		return newSourceMode(t, true)
	},
	NewSink: func(t *connector.Table) (connector.Sink, error) {
		if err := requirePrimaryKey(t); err != nil {
			return nil, err
		}
		return newSinkMode(t, true)
	},
	SourceBounded: Factory.SourceBounded,
	SourceMode:    func(map[string]string) types.ChangelogMode { return types.ModeAll },
	// Like Flink's upsert sink, it takes +I/+U/-D: the planner drops -U.
	SinkMode:           func(map[string]string) types.ChangelogMode { return types.ModeUpsert },
	SupportsProjection: true,
}

func requirePrimaryKey(t *connector.Table) error {
	if len(t.PrimaryKey) == 0 {
		return &ConfigError{Table: t.Name, Msg: "'upsert-kafka' tables require to define a PRIMARY KEY constraint. " +
			"The PRIMARY KEY specifies which columns should be read from or write to the Kafka message key. " +
			"The PRIMARY KEY also defines records in the 'upsert-kafka' table should update or delete on which keys."}
	}
	return nil
}

// upsertState is the latest value of every key the subtask has read, so
// updates and deletes can carry the previous row as Flink's
// ChangelogNormalize emits them. Keys land in one partition, so one
// subtask sees every record of a key. Each key remembers its partition:
// the values are checkpointed with the partition's position.
type upsertState struct {
	last map[string]upsertValue
}

// upsertValue is a key's latest value and the partition it came from.
type upsertValue struct {
	value []byte
	p     tp
}

func newUpsertState() *upsertState { return &upsertState{last: map[string]upsertValue{}} }

// apply appends the changelog rows of record r.
func (u *upsertState) apply(d *decoder, r *kgo.Record) error {
	prev, seen := u.last[string(r.Key)]
	old := prev.value
	if r.Value == nil {
		if !seen {
			return nil // deleting an unknown key: nothing to retract
		}
		delete(u.last, string(r.Key))
		return d.add(r, old, types.Delete, false)
	}
	if seen {
		if err := d.add(r, old, types.UpdateBefore, false); err != nil {
			return err
		}
	}
	before := d.rows
	kind := types.Insert
	if seen {
		kind = types.UpdateAfter
	}
	if err := d.add(r, r.Value, kind, false); err != nil {
		return err
	}
	if d.rows > before {
		u.last[string(r.Key)] = upsertValue{append([]byte(nil), r.Value...), tp{r.Topic, r.Partition}}
	}
	return nil
}

// byPartition returns the latest (key, value) pairs of each partition.
func (u *upsertState) byPartition() map[tp][][2][]byte {
	out := map[tp][][2][]byte{}
	for k, v := range u.last {
		out[v.p] = append(out[v.p], [2][]byte{[]byte(k), v.value})
	}
	return out
}

// restore adds a partition's checkpointed (key, value) pairs.
func (u *upsertState) restore(p tp, kvs [][2][]byte) {
	for _, kv := range kvs {
		u.last[string(kv[0])] = upsertValue{kv[1], p}
	}
}
