package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func newClient(bootstrap string, opts ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(strings.Split(bootstrap, ",")...)}, opts...)...)
}

// createTopics creates each topic with its number of partitions.
func createTopics(ctx context.Context, bootstrap string, partitions map[string]int32) error {
	cl, err := newClient(bootstrap)
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	for topic, n := range partitions {
		resp, err := adm.CreateTopic(ctx, n, 1, nil, topic)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			return fmt.Errorf("creating topic %s: %w", topic, err)
		}
	}
	return nil
}

// deleteTopics removes the harness's topics (best effort: a leftover topic
// only costs disk).
func deleteTopics(bootstrap string, topics ...string) {
	cl, err := newClient(bootstrap)
	if err != nil {
		return
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, _ = kadm.NewClient(cl).DeleteTopics(ctx, topics...)
}

// fill writes the input: the bids to bidsTopic's single partition, in
// order (the Kafka source's watermark is per subtask, so bids in one
// partition keep the disorder within the job's watermark delay), and the
// categories to catTopic.
func fill(ctx context.Context, bootstrap, bidsTopic, catTopic string, in *Input) error {
	cl, err := newClient(bootstrap, kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(5*time.Millisecond), kgo.ProducerBatchMaxBytes(1<<20), kgo.MaxBufferedRecords(100_000))
	if err != nil {
		return err
	}
	defer cl.Close()
	errc := make(chan error, 1)
	done := func(_ *kgo.Record, err error) {
		if err != nil {
			select {
			case errc <- err:
			default:
			}
		}
	}
	var buf []byte
	for _, b := range in.Bids {
		buf = buf[:0]
		buf = append(buf, `{"auction":`...)
		buf = strconv.AppendInt(buf, b.Auction, 10)
		buf = append(buf, `,"bidder":`...)
		buf = strconv.AppendInt(buf, b.Bidder, 10)
		buf = append(buf, `,"price":`...)
		buf = strconv.AppendInt(buf, b.Price, 10)
		buf = append(buf, `,"ts":"`...)
		buf = append(buf, fmtTS(b.TS)...)
		buf = append(buf, `"}`...)
		cl.Produce(ctx, &kgo.Record{Topic: bidsTopic, Value: append([]byte(nil), buf...)}, done)
	}
	for a, c := range in.Categories {
		v := fmt.Appendf(nil, `{"auction":%d,"category":%q}`, a, c)
		cl.Produce(ctx, &kgo.Record{Topic: catTopic, Partition: int32(a % 2), Value: v}, done)
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	select {
	case err := <-errc:
		return fmt.Errorf("producing the input: %w", err)
	default:
		return nil
	}
}

// outRecord is the JSON the job's Kafka sink writes.
type outRecord struct {
	Auction     int64  `json:"auction"`
	Category    string `json:"category"`
	WindowStart string `json:"window_start"`
	WindowEnd   string `json:"window_end"`
	Cnt         int64  `json:"cnt"`
	Total       int64  `json:"total"`
	MaxPrice    int64  `json:"max_price"`
}

// parseTS reads a TIMESTAMP as Flink's JSON format writes it ('SQL':
// "2026-01-01 00:00:05" with an optional fraction; 'ISO-8601' with a T).
func parseTS(s string) (int64, error) {
	t, err := time.Parse(time.DateTime, strings.Replace(strings.TrimSuffix(s, "Z"), "T", " ", 1))
	if err != nil {
		return 0, err
	}
	return t.UnixMilli(), nil
}

// readCommitted reads every committed record of topic, as a read_committed
// consumer sees it, and returns their row keys. It reads up to each
// partition's last stable offset; when that is below the high watermark
// (a transaction left open), it waits up to openWait for it to end and
// then reports the open transaction in warn.
func readCommitted(ctx context.Context, bootstrap, topic string, openWait time.Duration) (keys []string, warn string, err error) {
	admCl, err := newClient(bootstrap)
	if err != nil {
		return nil, "", err
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	var lso map[int32]int64
	deadline := time.Now().Add(openWait)
	for {
		stable, err := adm.ListCommittedOffsets(ctx, topic)
		if err != nil {
			return nil, "", err
		}
		ends, err := adm.ListEndOffsets(ctx, topic)
		if err != nil {
			return nil, "", err
		}
		lso = map[int32]int64{}
		var open []string
		stable.Each(func(o kadm.ListedOffset) {
			lso[o.Partition] = o.Offset
			if e, ok := ends.Lookup(topic, o.Partition); ok && e.Offset > o.Offset {
				open = append(open, fmt.Sprintf("partition %d: last stable offset %d < high watermark %d", o.Partition, o.Offset, e.Offset))
			}
		})
		if len(open) == 0 {
			break
		}
		if time.Now().After(deadline) {
			warn = "a transaction is still open on " + topic + " (" + strings.Join(open, "; ") + ")"
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	cl, err := newClient(bootstrap, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords())
	if err != nil {
		return nil, "", err
	}
	defer cl.Close()
	// Control records (commit and abort markers) are kept so the reader
	// knows when it reached the last stable offset; they are not rows.
	next := map[int32]int64{}
	reached := func() bool {
		for p, o := range lso {
			if next[p] < o {
				return false
			}
		}
		return true
	}
	for !reached() {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return nil, warn, fmt.Errorf("reading %s: %w (%d rows read)", topic, err, len(keys))
		}
		if errs := fs.Errors(); len(errs) > 0 {
			return nil, warn, fmt.Errorf("reading %s: %w", topic, errs[0].Err)
		}
		for it := fs.RecordIter(); !it.Done(); {
			r := it.Next()
			next[r.Partition] = max(next[r.Partition], r.Offset+1)
			if r.Attrs.IsControl() || r.Offset >= lso[r.Partition] {
				continue
			}
			k, err := outKey(r.Value)
			if err != nil {
				return nil, warn, fmt.Errorf("%s partition %d offset %d: %w", topic, r.Partition, r.Offset, err)
			}
			keys = append(keys, k)
		}
	}
	return keys, warn, nil
}

// outKey turns one output record into its row key.
func outKey(v []byte) (string, error) {
	var o outRecord
	if err := json.Unmarshal(v, &o); err != nil {
		return "", fmt.Errorf("output record %q: %w", v, err)
	}
	start, err := parseTS(o.WindowStart)
	if err != nil {
		return "", err
	}
	end, err := parseTS(o.WindowEnd)
	if err != nil {
		return "", err
	}
	return Row{Auction: o.Auction, Category: o.Category, WindowStart: start, WindowEnd: end,
		Cnt: o.Cnt, Total: o.Total, MaxPrice: o.MaxPrice}.Key(), nil
}

// progress returns the share of the bids (total, all in partition 0 of
// topic) that the job's last completed checkpoint has read, from the
// offsets its Kafka source commits to group when a checkpoint completes
// (Flink's behaviour); ok is false when the group has no offset yet.
func progress(ctx context.Context, bootstrap, group, topic string, total int) (float64, bool) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	cl, err := newClient(bootstrap)
	if err != nil {
		return 0, false
	}
	defer cl.Close()
	os, err := kadm.NewClient(cl).FetchOffsets(ctx, group)
	if err != nil {
		return 0, false
	}
	o, ok := os.Lookup(topic, 0)
	if !ok || o.Err != nil || o.At < 0 || total == 0 {
		return 0, false
	}
	return float64(o.At) / float64(total), true
}
