package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"
	"unicode/utf16"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// tp is one partition of one topic.
type tp struct {
	topic     string
	partition int32
}

func (p tp) String() string { return fmt.Sprintf("%s-%d", p.topic, p.partition) }

// owner returns the subtask reading partition p, as Flink's Kafka source
// enumerator assigns splits: the topic's start index, from the Java hash
// of its name, plus the partition number, modulo the parallelism. So with
// one topic, partition i goes to subtask i mod parallelism.
func owner(p tp, parallelism int) int {
	start := int((javaHash(p.topic)*31)&0x7FFFFFFF) % parallelism
	return (start + int(p.partition)) % parallelism
}

// javaHash is Java's String.hashCode.
func javaHash(s string) int32 {
	var h int32
	for _, c := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(c)
	}
	return h
}

// listPartitions returns the partitions of the table's topics (or of the
// topics matching its pattern), sorted.
func (c *config) listPartitions(ctx context.Context, adm *kadm.Client) ([]tp, error) {
	var (
		td  kadm.TopicDetails
		err error
	)
	if c.pattern != nil {
		td, err = adm.ListTopics(ctx)
	} else {
		td, err = adm.ListTopics(ctx, c.topics...)
	}
	if err != nil {
		return nil, err
	}
	var out []tp
	for name, d := range td {
		if c.pattern != nil && !c.pattern.MatchString(name) {
			continue
		}
		if errors.Is(d.Err, kerr.UnknownTopicOrPartition) {
			continue // not created yet: partition discovery finds it later
		}
		if d.Err != nil {
			return nil, fmt.Errorf("topic %s: %w", name, d.Err)
		}
		for p := range d.Partitions {
			out = append(out, tp{name, p})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].topic != out[j].topic {
			return out[i].topic < out[j].topic
		}
		return out[i].partition < out[j].partition
	})
	return out, nil
}

// offsets resolves a startup or bounded mode to an absolute offset per
// partition of ps. Partitions with no resolvable offset are left out
// (the caller decides: fail, or the earliest offset).
func (c *config) offsets(ctx context.Context, adm *kadm.Client, mode string, specific map[int32]int64, millis int64, ps []tp) (map[tp]int64, error) {
	out := map[tp]int64{}
	if len(ps) == 0 {
		return out, nil
	}
	topics := topicsOf(ps)
	var (
		lo  kadm.ListedOffsets
		err error
	)
	switch mode {
	case ModeEarliest:
		lo, err = adm.ListStartOffsets(ctx, topics...)
	case ModeLatest:
		lo, err = adm.ListEndOffsets(ctx, topics...)
	case ModeTimestamp:
		lo, err = adm.ListOffsetsAfterMilli(ctx, millis, topics...)
	case ModeSpecific:
		for _, p := range ps {
			if off, ok := specific[p.partition]; ok {
				out[p] = off
			}
		}
		return out, nil
	case ModeGroup:
		var resp kadm.OffsetResponses
		err := retry(ctx, func() (err error) {
			resp, err = adm.FetchOffsetsForTopics(ctx, c.groupID, topics...)
			return err
		})
		if errors.Is(err, kerr.GroupIDNotFound) {
			return out, nil // a group that never committed
		}
		if err != nil {
			return nil, fmt.Errorf("fetching the committed offsets of group '%s': %w", c.groupID, err)
		}
		for _, p := range ps {
			if r, ok := resp.Lookup(p.topic, p.partition); ok && r.Err == nil && r.At >= 0 {
				out[p] = r.At
			}
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if err := lo.Error(); err != nil {
		return nil, err
	}
	for _, p := range ps {
		if l, ok := lo.Lookup(p.topic, p.partition); ok && l.Offset >= 0 {
			out[p] = l.Offset
		}
	}
	if mode == ModeTimestamp {
		// No record at or after the time: the partition's end.
		var missing []tp
		for _, p := range ps {
			if _, ok := out[p]; !ok {
				missing = append(missing, p)
			}
		}
		if len(missing) > 0 {
			end, err := c.offsets(ctx, adm, ModeLatest, nil, 0, missing)
			if err != nil {
				return nil, err
			}
			for p, o := range end {
				out[p] = o
			}
		}
	}
	return out, nil
}

func topicsOf(ps []tp) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range ps {
		if !seen[p.topic] {
			seen[p.topic] = true
			out = append(out, p.topic)
		}
	}
	return out
}

// retry runs f until it succeeds, fails with an error Kafka does not call
// retriable, or about 15 s pass: the group coordinator of a fresh broker
// answers COORDINATOR_NOT_AVAILABLE while it creates __consumer_offsets.
func retry(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := f()
		if err == nil || !kerr.IsRetriable(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}
