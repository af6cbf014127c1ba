package kafka

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/spry-engine/spry/connector"
)

var (
	_ connector.CheckpointedSource       = (*Source)(nil)
	_ connector.SourceCheckpointListener = (*Source)(nil)
)

// splitPosition is the checkpointed position of one partition (Flink's
// KafkaPartitionSplit): the next offset to read and, for a bounded scan,
// the end offset fixed when the partition was first started, so that a
// restored 'latest-offset' or 'timestamp' scan stops where the first run
// would have. An upsert-kafka source adds the latest value of each key.
type splitPosition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	End       *int64 `json:"end,omitempty"`
	// Upsert holds, for upsert-kafka, the latest (key, value) of every
	// key read from the partition, the state its changelog
	// normalisation resumes from.
	Upsert [][2][]byte `json:"upsert,omitempty"`
}

// SnapshotPosition returns the next offset of every partition this
// subtask reads, as splits named '<topic>-<partition>'. The positions are
// kept until the checkpoint completes, to be committed to the group.
func (s *Source) SnapshotPosition() ([]connector.SplitPosition, error) {
	if s.waiting != nil {
		// A checkpoint before the first Next: start the partitions now so
		// their start offsets are fixed in it.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := s.startWaiting(ctx)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	out := make([]connector.SplitPosition, 0, len(s.pos))
	var kvs map[tp][][2][]byte
	if s.upsert != nil {
		kvs = s.upsert.byPartition()
	}
	for _, o := range s.Offsets() {
		p := tp{o.Topic, o.Partition}
		sp := splitPosition{Topic: o.Topic, Partition: o.Partition, Offset: o.Offset}
		if e, ok := s.stop[p]; ok {
			sp.End = &e
		}
		sp.Upsert = kvs[p]
		b, err := json.Marshal(sp)
		if err != nil {
			return nil, err
		}
		out = append(out, connector.SplitPosition{Split: p.String(), Position: b})
	}
	if s.commitOnCkpt {
		s.lastCkpt = kadm.Offsets{}
		for p, off := range s.pos {
			s.lastCkpt.AddOffset(p.topic, p.partition, off, -1)
		}
	}
	return out, nil
}

// RestorePosition resumes the partitions this subtask owns from the
// positions of a checkpoint (written by subtasks of any parallelism);
// owned partitions without a position start as 'scan.startup.mode' says.
func (s *Source) RestorePosition(ps []connector.SplitPosition) error {
	if s.waiting == nil && len(s.pos) > 0 {
		return s.wrap(fmt.Errorf("restoring the Kafka source position after it started reading"))
	}
	if s.restored == nil {
		s.restored = map[tp]int64{}
	}
	s.restoredEnd = map[tp]int64{}
	for _, sp := range ps {
		var pos splitPosition
		if err := json.Unmarshal(sp.Position, &pos); err != nil {
			return s.wrap(fmt.Errorf("reading the checkpointed position of split %s: %w", sp.Split, err))
		}
		p := tp{pos.Topic, pos.Partition}
		if owner(p, max(s.task.Parallelism, 1)) != s.task.Subtask {
			continue
		}
		s.restored[p] = pos.Offset
		if pos.End != nil && s.cfg.boundMode != ModeUnbounded {
			s.restoredEnd[p] = *pos.End
		}
		if s.upsert != nil {
			s.upsert.restore(p, pos.Upsert)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return s.startWaiting(ctx)
}

// NotifyCheckpointComplete commits the position of the last checkpoint
// to 'properties.group.id' (Flink's commit.offsets.on.checkpoint, on by
// default). SnapshotPosition is not told the checkpoint's id, so with
// concurrent checkpoints the position may be that of a later checkpoint
// than checkpointID: the committed offsets serve monitoring and
// 'group-offsets' startups only, never a restore, which reads the
// checkpoint. For the same reason a failed commit is logged, not fatal
// (as Flink).
func (s *Source) NotifyCheckpointComplete(ctx context.Context, checkpointID int64) error {
	os := s.lastCkpt
	s.lastCkpt = nil
	if len(os) == 0 || s.adm == nil {
		return nil
	}
	err := retry(ctx, func() error {
		resp, err := s.adm.CommitOffsets(ctx, s.cfg.groupID, os)
		if err == nil {
			err = resp.Error()
		}
		return err
	})
	if err != nil {
		slog.Warn("Failed to commit consumer offsets for checkpoint", "table", s.t.Name, "checkpoint", checkpointID,
			"group", s.cfg.groupID, "err", err)
	}
	return nil
}
