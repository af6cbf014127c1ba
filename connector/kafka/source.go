package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// pollWait bounds one poll, so Next returns within about 100 ms when
// there is nothing to read (the connector.Source contract).
const pollWait = 100 * time.Millisecond

// Source is one subtask of a Kafka table scan.
type Source struct {
	t      *connector.Table
	cfg    *config
	lay    *layout
	dec    *decoder
	task   connector.Task
	admCl  *kgo.Client // metadata, offsets, commits
	adm    *kadm.Client
	cl     *kgo.Client // fetching; nil until the subtask owns a partition
	pos    map[tp]int64
	stop   map[tp]int64 // bounded scans: exclusive end offset per partition
	active int          // owned partitions not yet at their end
	known  map[tp]bool  // every partition seen, owned or not
	// restored positions (RestoreState before Open, RestorePosition
	// after it) override the startup mode; restoredEnd keeps a bounded
	// scan's end offsets fixed at its first start.
	restored    map[tp]int64
	restoredEnd map[tp]int64
	// waiting are the owned partitions found at Open: they start at the
	// first Next (or RestorePosition), so a restored position is used
	// without resolving the startup mode first.
	waiting []tp
	opening bool
	// lastCkpt is the position of the last checkpoint, committed to the
	// group when it completes (commit.offsets.on.checkpoint).
	lastCkpt       kadm.Offsets
	commitOnCkpt   bool
	nextDiscovery  time.Time
	upsert         *upsertState
	autoCommit     bool
	commitInterval time.Duration
	nextCommit     time.Time
	// sel narrows decoded batches to a pushed-down projection (schema out)
	// when the formats could not decode the projected columns alone.
	sel []int
	out *types.Schema
	// wm generates watermarks per partition when the planner pushed the
	// table's WATERMARK clause down (watermark.go); nil otherwise.
	wm *partWatermarks
}

var (
	_ connector.Source      = (*Source)(nil)
	_ connector.SkipCounter = (*Source)(nil)
)

func newSource(t *connector.Table) (connector.Source, error) {
	return newSourceMode(t, false)
}

func newSourceMode(t *connector.Table, upsert bool) (*Source, error) {
	cfg, err := parseConfig(t, upsert)
	if err != nil {
		return nil, err
	}
	if err := cfg.sourceCheck(); err != nil {
		return nil, err
	}
	if _, err := newLayout(t, keyFieldsOf(t, upsert), false); err != nil {
		return nil, err // checked on the full table, so errors name its columns
	}
	dt, sel := projected(t)
	lay, err := newLayout(dt, keyFieldsOf(dt, upsert), false)
	if err != nil {
		return nil, err
	}
	s := &Source{t: dt, cfg: cfg, lay: lay, pos: map[tp]int64{}, stop: map[tp]int64{}, known: map[tp]bool{}, sel: sel}
	if sel != nil {
		s.out = &types.Schema{}
		for _, c := range sel {
			s.out.Fields = append(s.out.Fields, t.Schema.Fields[c])
		}
	}
	if upsert {
		s.upsert = newUpsertState()
	}
	s.autoCommit = cfg.groupID != "" && strings.EqualFold(cfg.props["enable.auto.commit"], "true")
	s.commitOnCkpt = cfg.groupID != "" && !strings.EqualFold(strings.TrimSpace(cfg.props["commit.offsets.on.checkpoint"]), "false")
	s.commitInterval = 5 * time.Second
	if v, ok := cfg.props["auto.commit.interval.ms"]; ok {
		if d, err := millis(v); err == nil && d > 0 {
			s.commitInterval = d
		}
	}
	return s, nil
}

// Open connects, finds the subtask's partitions and resolves where each
// starts (and, for a bounded scan, ends).
func (s *Source) Open(ctx context.Context, task connector.Task) error {
	if task.Parallelism < 1 {
		task.Parallelism = 1
	}
	s.task = task
	var err error
	if s.dec, err = newDecoder(s.t, s.lay); err != nil {
		return err
	}
	if s.admCl, err = s.cfg.newClient(ctx); err != nil {
		return err
	}
	s.adm = kadm.NewClient(s.admCl)
	s.opening = true
	err = s.discover(ctx, s.cfg.startMode)
	s.opening = false
	if err != nil {
		return err
	}
	s.nextDiscovery = time.Now().Add(s.cfg.discovery)
	s.nextCommit = time.Now().Add(s.commitInterval)
	return nil
}

// discover lists the partitions and starts reading the new ones this
// subtask owns, from mode's offsets (the startup mode at Open, the
// earliest offset for partitions found later, as Flink).
func (s *Source) discover(ctx context.Context, mode string) error {
	all, err := s.cfg.listPartitions(ctx, s.adm)
	if err != nil {
		return s.wrap(fmt.Errorf("listing the partitions of %s: %w", s.topicDesc(), err))
	}
	var mine []tp
	for _, p := range all {
		if s.known[p] {
			continue
		}
		s.known[p] = true
		if owner(p, s.task.Parallelism) == s.task.Subtask {
			mine = append(mine, p)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	if s.opening {
		s.waiting = append(s.waiting, mine...)
		return nil
	}
	return s.startPartitions(ctx, mode, mine)
}

// startWaiting starts the partitions found at Open.
func (s *Source) startWaiting(ctx context.Context) error {
	if s.waiting == nil {
		return nil
	}
	mine := s.waiting
	s.waiting = nil
	return s.startPartitions(ctx, s.cfg.startMode, mine)
}

// startPartitions resolves where each of the partitions mine starts (a
// restored position, else mode's offset) and ends, and reads them.
func (s *Source) startPartitions(ctx context.Context, mode string, mine []tp) error {
	var fresh []tp // partitions without a restored position
	for _, p := range mine {
		if _, ok := s.restored[p]; !ok {
			fresh = append(fresh, p)
		}
	}
	start, err := s.cfg.offsets(ctx, s.adm, mode, s.cfg.startOffsets, s.cfg.startTimestamp, fresh)
	if err != nil {
		return s.wrap(fmt.Errorf("resolving the %s start offsets: %w", mode, err))
	}
	if mode == ModeSpecific && s.cfg.groupID != "" {
		// As Flink's specific-offsets initializer: partitions without a
		// given offset start at the group's committed offset, if any.
		committed, err := s.cfg.offsets(ctx, s.adm, ModeGroup, nil, 0, fresh)
		if err != nil {
			return s.wrap(err)
		}
		for p, o := range committed {
			if _, ok := start[p]; !ok {
				start[p] = o
			}
		}
	}
	var fallback map[tp]int64
	for _, p := range mine {
		if off, ok := s.restored[p]; ok {
			start[p] = off
			continue
		}
		if _, ok := start[p]; ok {
			continue
		}
		reset := ModeEarliest
		if mode == ModeGroup {
			switch strings.ToLower(s.cfg.props["auto.offset.reset"]) {
			case "earliest":
			case "latest":
				reset = ModeLatest
			default:
				return s.wrap(fmt.Errorf("undefined offset with no reset policy for partition %s: group '%s' has no committed offset "+
					"(set 'properties.auto.offset.reset' to 'earliest' or 'latest', or choose another '%s')", p, s.cfg.groupID, OptStartupMode))
			}
		}
		if fallback == nil {
			if fallback, err = s.cfg.offsets(ctx, s.adm, reset, nil, 0, fresh); err != nil {
				return s.wrap(err)
			}
		}
		start[p] = fallback[p]
	}
	if s.cfg.boundMode != ModeUnbounded {
		var open []tp // partitions whose end was not fixed by an earlier run
		for _, p := range mine {
			if e, ok := s.restoredEnd[p]; ok {
				s.stop[p] = e
			} else {
				open = append(open, p)
			}
		}
		end, err := s.cfg.offsets(ctx, s.adm, s.cfg.boundMode, s.cfg.boundOffsets, s.cfg.boundTimestamp, open)
		if err != nil {
			return s.wrap(fmt.Errorf("resolving the %s end offsets: %w", s.cfg.boundMode, err))
		}
		for _, p := range open {
			e, ok := end[p]
			if !ok { // specific-offsets without this partition: read to the current end
				latest, err := s.cfg.offsets(ctx, s.adm, ModeLatest, nil, 0, []tp{p})
				if err != nil {
					return s.wrap(err)
				}
				e = latest[p]
			}
			s.stop[p] = e
		}
	}
	assign := map[string]map[int32]kgo.Offset{}
	for _, p := range mine {
		s.pos[p] = start[p]
		if s.wm != nil {
			s.wm.assigned(p)
		}
		if e, ok := s.stop[p]; ok && start[p] >= e {
			continue // nothing to read
		}
		s.active++
		if assign[p.topic] == nil {
			assign[p.topic] = map[int32]kgo.Offset{}
		}
		assign[p.topic][p.partition] = kgo.NewOffset().At(start[p])
	}
	if len(assign) == 0 {
		return nil
	}
	if s.cl == nil {
		s.cl, err = s.cfg.newClient(ctx, kgo.ConsumePartitions(assign), kgo.KeepControlRecords(), kgo.FetchMaxWait(pollWait))
		return err
	}
	s.cl.AddConsumePartitions(assign)
	return nil
}

// Next returns the rows of the records fetched within about 100 ms.
func (s *Source) Next(ctx context.Context) (*types.Batch, error) {
	if err := s.startWaiting(ctx); err != nil {
		return nil, err
	}
	bounded := s.cfg.boundMode != ModeUnbounded
	if bounded && s.active == 0 {
		return nil, io.EOF
	}
	if !bounded && s.cfg.discovery > 0 && time.Now().After(s.nextDiscovery) {
		if err := s.discover(ctx, ModeEarliest); err != nil {
			return nil, err
		}
		s.nextDiscovery = time.Now().Add(s.cfg.discovery)
	}
	if s.autoCommit && time.Now().After(s.nextCommit) {
		if err := s.commit(ctx); err != nil {
			return nil, err
		}
		s.nextCommit = time.Now().Add(s.commitInterval)
	}
	if s.cl == nil {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pollWait):
			return nil, nil
		}
	}
	pctx, cancel := context.WithTimeout(ctx, pollWait)
	fs := s.cl.PollRecords(pctx, max(s.task.BatchSize, 1))
	cancel()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var ferr error
	fs.EachError(func(topic string, p int32, err error) {
		if ferr == nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			ferr = s.wrap(fmt.Errorf("fetching %s-%d: %w", topic, p, err))
		}
	})
	if ferr != nil {
		return nil, ferr
	}
	var derr error
	now := time.Now()
	// Partition by partition: the position and end offset of a partition
	// are looked up once per fetched run of its records, not per record
	// (hashing the topic name per record cost a tenth of a Nexmark query).
	fs.EachPartition(func(fp kgo.FetchTopicPartition) {
		if derr != nil || len(fp.Records) == 0 {
			return
		}
		p := tp{fp.Topic, fp.Partition}
		e, bounded := s.stop[p]
		pos, done := s.pos[p], false
		rows, decoded := s.dec.rows, false
		for _, r := range fp.Records {
			if bounded && r.Offset >= e || r.Offset < pos {
				continue // past the end (or a re-delivered record)
			}
			if !r.Attrs.IsControl() {
				if derr = s.decode(r); derr != nil {
					break
				}
				decoded = true
			}
			pos = r.Offset + 1
			if bounded && pos >= e {
				done = true
			}
		}
		s.pos[p] = pos
		if s.wm != nil && decoded {
			s.wm.record(p, s.dec.rows-rows, now)
		}
		if done {
			s.active--
			s.cl.PauseFetchPartitions(map[string][]int32{p.topic: {p.partition}})
		}
	})
	if derr != nil {
		return nil, derr
	}
	if s.dec.rows == 0 {
		if s.wm != nil {
			s.wm.runs = s.wm.runs[:0]
		}
		if bounded && s.active == 0 {
			return nil, io.EOF
		}
		return nil, nil
	}
	b := s.dec.flush()
	if s.sel != nil {
		b = connector.ProjectBatch(b, s.sel, s.out)
	}
	if s.wm != nil {
		if err := s.wm.observe(b); err != nil {
			return nil, s.wrap(fmt.Errorf("computing the watermark: %w", err))
		}
	}
	return b, nil
}

func (s *Source) decode(r *kgo.Record) error {
	if s.upsert != nil {
		return s.upsert.apply(s.dec, r)
	}
	return s.dec.add(r, r.Value, types.Insert, true)
}

// Skipped returns the records skipped under <format>.ignore-parse-errors.
func (s *Source) Skipped() int64 {
	if s.dec == nil {
		return 0
	}
	return s.dec.skipped()
}

// Close commits the position when auto-commit is on and disconnects.
func (s *Source) Close() error {
	var err error
	if s.autoCommit && s.adm != nil {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		err = s.commit(ctx)
		cancel()
	}
	if s.cl != nil {
		s.cl.Close()
		s.cl = nil
	}
	if s.admCl != nil {
		s.admCl.Close()
		s.admCl = nil
	}
	return err
}

// commit stores the subtask's position as the group's committed offsets.
func (s *Source) commit(ctx context.Context) error {
	os := kadm.Offsets{}
	for p, off := range s.pos {
		os.AddOffset(p.topic, p.partition, off, -1)
	}
	if len(os) == 0 {
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
		return s.wrap(fmt.Errorf("committing offsets of group '%s': %w", s.cfg.groupID, err))
	}
	return nil
}

func (s *Source) topicDesc() string {
	if s.cfg.pattern != nil {
		return "topic-pattern " + s.cfg.pattern.String()
	}
	return "topic " + strings.Join(s.cfg.topics, ";")
}

func (s *Source) wrap(err error) error {
	return fmt.Errorf("table %s: %w", s.t.Name, err)
}

// keyFieldsOf returns the key columns upsert-kafka takes from the primary
// key, or nil: 'kafka' reads key.fields.
func keyFieldsOf(t *connector.Table, upsert bool) []string {
	if !upsert {
		return nil
	}
	return primaryKeyNames(t)
}

func primaryKeyNames(t *connector.Table) []string {
	out := make([]string, 0, len(t.PrimaryKey))
	for _, i := range t.PrimaryKey {
		out = append(out, t.Schema.Fields[i].Name)
	}
	return out
}
