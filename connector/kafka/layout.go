package kafka

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// Metadata keys a Kafka table may declare (Flink's names).
const (
	MetaTopic         = "topic"
	MetaPartition     = "partition"
	MetaOffset        = "offset"
	MetaTimestamp     = "timestamp"
	MetaTimestampType = "timestamp-type"
	MetaLeaderEpoch   = "leader-epoch"
	MetaHeaders       = "headers"
)

// readableMeta are the metadata keys the source fills.
var readableMeta = map[string]bool{MetaTopic: true, MetaPartition: true, MetaOffset: true,
	MetaTimestamp: true, MetaTimestampType: true, MetaLeaderEpoch: true, MetaHeaders: true}

// writableMeta are the metadata keys the sink writes.
var writableMeta = map[string]bool{MetaTimestamp: true, MetaHeaders: true}

// layout says where each column of a table lives in a Kafka record: in
// the key, in the value, or in the record's metadata.
type layout struct {
	schema      *types.Schema
	keyCols     []int // columns of schema in the key, in key.fields order
	valueCols   []int // columns of schema in the value
	keySchema   *types.Schema
	valueSchema *types.Schema
	meta        []metaCol
	// keyInValue is set for value.fields-include = ALL: the key columns
	// are read from the value (the key is decoded only for tombstones).
	keyInValue bool
}

type metaCol struct {
	col int
	key string
}

// newLayout works out the layout of table t. keyFields overrides
// key.fields (upsert-kafka: the primary key).
func newLayout(t *connector.Table, keyFields []string, writing bool) (*layout, error) {
	o := t.Options
	bad := func(f string, a ...any) error { return &ConfigError{Table: t.Name, Msg: fmt.Sprintf(f, a...)} }
	l := &layout{schema: t.Schema, keyInValue: !strings.EqualFold(o[OptValueFieldsInclude], "EXCEPT_KEY")}
	_, hasKeyFormat := o[OptKeyFormat]
	if keyFields == nil {
		for _, k := range strings.Split(o[OptKeyFields], ";") {
			if k = strings.TrimSpace(k); k != "" {
				keyFields = append(keyFields, k)
			}
		}
		if hasKeyFormat && len(keyFields) == 0 {
			return nil, bad("A key format '%s' requires the declaration of one or more of key fields using '%s'.", OptKeyFormat, OptKeyFields)
		}
		if !hasKeyFormat && len(keyFields) > 0 {
			return nil, bad("The option '%s' can only be declared if a key format is defined using '%s'.", OptKeyFields, OptKeyFormat)
		}
	}
	prefix := o[OptKeyFieldsPrefix]
	if prefix != "" && l.keyInValue {
		return nil, bad("A key prefix is not allowed when option '%s' is set to 'ALL'. Set it to 'EXCEPT_KEY' instead to avoid field overlaps.", OptValueFieldsInclude)
	}
	isMeta := func(i int) bool { return t.Metadata != nil && t.Metadata[i] != "" }
	l.keySchema, l.valueSchema = &types.Schema{}, &types.Schema{}
	for _, k := range keyFields {
		i := t.Schema.Index(k)
		if i < 0 || isMeta(i) {
			return nil, bad("Could not find the field '%s' in the table schema for usage in the key format. A key field must be a regular, physical column. The following columns can be selected in the 'key.fields' option: %s",
				k, strings.Join(physicalNames(t), ", "))
		}
		if !strings.HasPrefix(k, prefix) {
			return nil, bad("All fields in '%s' must be prefixed with '%s' when option '%s' is set but field '%s' is not prefixed.", OptKeyFields, prefix, OptKeyFieldsPrefix, k)
		}
		l.keyCols = append(l.keyCols, i)
		f := t.Schema.Fields[i]
		f.Name = strings.TrimPrefix(f.Name, prefix)
		l.keySchema.Fields = append(l.keySchema.Fields, f)
	}
	for i, f := range t.Schema.Fields {
		if isMeta(i) {
			key := t.Metadata[i]
			if !writing && !readableMeta[key] || writing && !writableMeta[key] {
				return nil, bad("Invalid metadata key '%s' in column '%s'. Supported keys are: %s", key, f.Name,
					"topic, partition, offset, timestamp, timestamp-type, leader-epoch, headers (readable); timestamp, headers (writable)")
			}
			l.meta = append(l.meta, metaCol{col: i, key: key})
			continue
		}
		if !l.keyInValue && contains(l.keyCols, i) {
			continue
		}
		l.valueCols = append(l.valueCols, i)
		l.valueSchema.Fields = append(l.valueSchema.Fields, f)
	}
	return l, nil
}

func physicalNames(t *connector.Table) []string {
	var out []string
	for i, f := range t.Schema.Fields {
		if t.Metadata == nil || t.Metadata[i] == "" {
			out = append(out, f.Name)
		}
	}
	return out
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
