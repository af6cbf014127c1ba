package kafka

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// PartitionOffset is one entry of a source's checkpoint state: the next
// offset to read of one topic partition.
type PartitionOffset struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

// Offsets returns the subtask's position: the next offset of every
// partition it reads, sorted by topic and partition.
func (s *Source) Offsets() []PartitionOffset {
	out := make([]PartitionOffset, 0, len(s.pos))
	for p, off := range s.pos {
		out = append(out, PartitionOffset{p.topic, p.partition, off})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}

// SnapshotState writes the subtask's position (the next offset of each
// partition) as JSON, for the connector conformance suite; checkpoints
// use SnapshotPosition (source_checkpoint.go), which also keeps bounded
// end offsets and the upsert-kafka normalisation state. A source
// restored from SnapshotState's state re-reads an upsert-kafka topic
// from the start.
func (s *Source) SnapshotState(w io.Writer) error {
	return json.NewEncoder(w).Encode(s.Offsets())
}

// RestoreState reads a position written by SnapshotState; call it before
// Open. Partitions in it start at the recorded offsets whatever
// scan.startup.mode says; partitions not in it follow the startup mode.
// After a rescale every subtask may get the whole state: each keeps only
// the partitions it owns.
func (s *Source) RestoreState(r io.Reader) error {
	var offs []PartitionOffset
	if err := json.NewDecoder(r).Decode(&offs); err != nil {
		return fmt.Errorf("table %s: reading the Kafka source state: %w", s.t.Name, err)
	}
	s.restored = map[tp]int64{}
	if s.upsert != nil {
		return nil // see SnapshotState
	}
	for _, o := range offs {
		s.restored[tp{o.Topic, o.Partition}] = o.Offset
	}
	return nil
}
