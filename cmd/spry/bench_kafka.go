package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	nexmarkbench "github.com/spry-engine/spry/bench/nexmark"
)

// topicRecreateTimeout bounds the wait for a deleted topic to go away
// before it is created again.
const topicRecreateTimeout = 60 * time.Second

// ensureTopic makes the Kafka topic hold exactly the run's events: a topic
// that already does is reused as is (filling once serves many runs and
// engines); otherwise it is recreated with one partition per subtask and
// filled by the generator in a child process.
func (o *nexmarkOptions) ensureTopic(ctx context.Context, exe, work string, p nexmarkbench.Params, prog *benchProgress) error {
	adm, err := o.admin()
	if err != nil {
		return err
	}
	defer adm.Close()
	n, exists, err := topicRecords(ctx, adm, o.topic)
	if err != nil {
		return fmt.Errorf("kafka %s: cannot read topic %s: %w", o.bootstrap, o.topic, err)
	}
	if n == o.events {
		prog.end(fmt.Sprintf("topic %s holds %s events: reusing it", o.topic, groupDigits(n)), false)
		return nil
	}
	if exists {
		if err := deleteTopic(ctx, adm, o.topic); err != nil {
			return err
		}
	}
	if err := createTopic(ctx, adm, o.topic, int32(o.parallelism)); err != nil {
		return err
	}
	script, err := nexmarkbench.FillScript(p)
	if err != nil {
		return err
	}
	prog.begin("fill", o.events)
	r := o.runChild(ctx, exe, work, "fill", script, prog)
	if r.Status != statusOK {
		prog.end("", false)
		return fmt.Errorf("filling topic %s failed: %s", o.topic, r.Error)
	}
	prog.end(fmt.Sprintf("filled topic %s (%d partitions) with %s events in %.2f s (%s events/s)",
		o.topic, o.parallelism, groupDigits(o.events), r.Seconds, rateCell(r.EventsPerSec)), false)
	// A new client: the first one's metadata still remembers the topic
	// before it was created or filled.
	adm2, err := o.admin()
	if err != nil {
		return err
	}
	defer adm2.Close()
	if n, _, err = topicRecords(ctx, adm2, o.topic); err != nil {
		return err
	}
	if n != o.events {
		return fmt.Errorf("topic %s holds %d records after filling, want %d", o.topic, n, o.events)
	}
	return nil
}

// admin connects an admin client to the brokers.
func (o *nexmarkOptions) admin() (*kadm.Client, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(o.bootstrap, ",")...))
	if err != nil {
		return nil, fmt.Errorf("kafka %s: %w", o.bootstrap, err)
	}
	return kadm.NewClient(cl), nil
}

// topicRecords counts the records of topic (end minus start offsets over
// its partitions) and tells whether it exists.
func topicRecords(ctx context.Context, adm *kadm.Client, topic string) (n int64, exists bool, err error) {
	starts, err := adm.ListStartOffsets(ctx, topic)
	if err != nil {
		return 0, false, err
	}
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return 0, false, err
	}
	for _, e := range ends[topic] {
		if errors.Is(e.Err, kerr.UnknownTopicOrPartition) {
			return 0, false, nil
		}
		if e.Err != nil {
			return 0, true, e.Err
		}
		s, ok := starts.Lookup(topic, e.Partition)
		if !ok || s.Err != nil {
			return 0, true, fmt.Errorf("no start offset of partition %d", e.Partition)
		}
		n += e.Offset - s.Offset
	}
	return n, len(ends[topic]) > 0, nil
}

func deleteTopic(ctx context.Context, adm *kadm.Client, topic string) error {
	resp, err := adm.DeleteTopics(ctx, topic)
	if err == nil {
		err = resp.Error()
	}
	if err != nil && !errors.Is(err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("cannot delete topic %s to refill it: %w", topic, err)
	}
	return nil
}

// createTopic creates topic, retrying while a deletion of the same name
// is still under way.
func createTopic(ctx context.Context, adm *kadm.Client, topic string, partitions int32) error {
	deadline := time.Now().Add(topicRecreateTimeout)
	for {
		resp, err := adm.CreateTopic(ctx, partitions, 1, nil, topic)
		if err == nil {
			err = resp.Err
		}
		if err == nil {
			return nil
		}
		if !errors.Is(err, kerr.TopicAlreadyExists) || time.Now().After(deadline) {
			return fmt.Errorf("cannot create topic %s with %d partitions: %w", topic, partitions, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
