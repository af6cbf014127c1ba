package filesystem

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spry-engine/spry/connector"
)

// commitPolicy is when and how a partitioned sink commits partitions
// (Flink's partition commit trigger + policy). Committing a partition
// makes its part files visible and, with the 'success-file' policy,
// writes the success file into its directory.
type commitPolicy struct {
	table       string
	root        string
	defaultName string
	trigger     string // process-time or partition-time
	delay       time.Duration
	// every paces process-time commits of partitions that keep receiving
	// rows: Flink commits at checkpoints, Spry at most once per
	// 'sink.rolling-policy.check-interval'.
	every       time.Duration
	successFile string // "" without the success-file policy
	extractor   *timeExtractor
	// zone reads partition times as instants to compare with watermarks
	// ('sink.partition-commit.watermark-time-zone').
	zone     *time.Location
	finishes *finishBarrier
	key      *connector.Table // of finishes in finishBarriers
	subtask  int
}

func newCommitPolicy(t *connector.Table, l *partitionLayout) (*commitPolicy, error) {
	opts := t.Options
	bad := func(format string, args ...any) error {
		return &connector.ValidationError{Table: t.Name, Msg: fmt.Sprintf(format, args...)}
	}
	p := &commitPolicy{table: t.Name, defaultName: optOr(opts, OptPartitionDefault, defaultPartitionName),
		trigger: optOr(opts, OptCommitTrigger, "process-time")}
	var err error
	if p.root, err = localPath(opts[OptPath]); err != nil {
		return nil, err
	}
	if p.trigger != "process-time" && p.trigger != "partition-time" {
		return nil, bad("invalid value '%s' for option '%s': expected 'process-time' or 'partition-time'", p.trigger, OptCommitTrigger)
	}
	if p.delay, err = connector.ParseDuration(optOr(opts, OptCommitDelay, "0 s")); err != nil || p.delay < 0 {
		return nil, bad("invalid value '%s' for option '%s': expected a duration such as '1 h'", opts[OptCommitDelay], OptCommitDelay)
	}
	if p.every, err = connector.ParseDuration(optOr(opts, OptRollingCheck, "1 min")); err != nil {
		return nil, bad("invalid value '%s' for option '%s': expected a duration", opts[OptRollingCheck], OptRollingCheck)
	}
	p.zone = time.UTC
	if tz, ok := opts[OptCommitWatermarkTZ]; ok {
		if p.zone, err = loadZone(tz); err != nil {
			return nil, bad("invalid value '%s' for option '%s': %v", tz, OptCommitWatermarkTZ, err)
		}
	}
	for _, kind := range strings.Split(opts[OptCommitPolicyKind], ",") {
		switch kind = strings.TrimSpace(kind); strings.ToLower(kind) {
		case "":
		case "success-file":
			p.successFile = optOr(opts, OptSuccessFileName, defaultSuccessFile)
			if p.successFile == "" || strings.ContainsAny(p.successFile, `/\`) {
				return nil, bad("invalid value '%s' for option '%s': expected a file name", p.successFile, OptSuccessFileName)
			}
		case "metastore":
			return nil, bad("the 'metastore' partition commit policy needs a metastore (a Hive table); a filesystem table can only use 'success-file'")
		case "custom":
			return nil, bad("the 'custom' partition commit policy (a Java class, '%s') is not supported; use 'success-file'", OptCommitPolicyClass)
		default:
			return nil, bad("unknown partition commit policy '%s' in option '%s': expected 'success-file' (or 'metastore', 'custom')", kind, OptCommitPolicyKind)
		}
	}
	if k := optOr(opts, OptExtractorKind, "default"); k != "default" {
		return nil, bad("the '%s' partition time extractor is not supported: use 'default' with '%s'", k, OptExtractorPattern)
	}
	if p.trigger == "partition-time" {
		if p.extractor, err = newTimeExtractor(l.keys, opts[OptExtractorPattern], optOr(opts, OptExtractorFormatter, defaultTSFormatter)); err != nil {
			return nil, bad("%v", err)
		}
	}
	if p.successFile != "" {
		p.key = t
		v, _ := finishBarriers.LoadOrStore(t, &finishBarrier{parts: map[string]bool{}, pending: map[string]int64{}})
		p.finishes = v.(*finishBarrier)
	}
	return p, nil
}

func optOr(opts map[string]string, key, def string) string {
	if v, ok := opts[key]; ok {
		return v
	}
	return def
}

// open registers a subtask with the finish barrier.
func (p *commitPolicy) open(task connector.Task) error {
	p.subtask = task.Subtask
	if b := p.finishes; b != nil {
		b.mu.Lock()
		b.parallelism = max(task.Parallelism, 1)
		if len(b.wms) != b.parallelism {
			b.wms = make([]int64, b.parallelism)
			for i := range b.wms {
				b.wms[i] = math.MinInt64
			}
		}
		b.mu.Unlock()
	}
	return nil
}

// advance records this subtask's watermark wm, after the subtask made the
// files of its partitions ripe at wm visible, and writes the success file
// of every ripe partition that all subtasks' watermarks passed: only then
// has every subtask made its data of that partition visible (Flink's
// single partition committer waits for all writers the same way).
func (p *commitPolicy) advance(ripe []*partWriter, wm int64) error {
	b := p.finishes
	b.mu.Lock()
	for _, w := range ripe {
		b.pending[w.rel] = w.partTime
	}
	if p.subtask < len(b.wms) && wm > b.wms[p.subtask] {
		b.wms[p.subtask] = wm
	}
	low := int64(math.MaxInt64)
	for _, v := range b.wms {
		low = min(low, v)
	}
	var due []string
	for rel, t := range b.pending {
		if low > t+p.delay.Microseconds() {
			due = append(due, rel)
			delete(b.pending, rel)
		}
	}
	b.mu.Unlock()
	sort.Strings(due)
	for _, r := range due {
		if err := writeSuccess(filepath.Join(p.root, r, p.successFile)); err != nil {
			return fmt.Errorf("table %s: committing partition %s: %w", p.table, r, err)
		}
	}
	return nil
}

// streamingCommits reports whether writes commit partitions while the
// job runs: the process-time trigger with a policy (watermarks drive the
// partition-time trigger).
func (p *commitPolicy) streamingCommits() bool {
	return p.trigger == "process-time" && p.successFile != ""
}

// partitionTimeCommits reports whether watermarks commit partitions.
func (p *commitPolicy) partitionTimeCommits() bool {
	return p.trigger == "partition-time" && p.successFile != ""
}

// partitionTime is the instant (µs) of a partition's time, read in the
// watermark time zone, as Flink compares it with watermarks.
func (p *commitPolicy) partitionTime(values []string) (int64, error) {
	return p.extractor.extract(values, p.zone)
}

// ripe reports whether the watermark passed w's partition time plus the
// delay (Flink: watermark > partition time + delay).
func (p *commitPolicy) ripe(w *partWriter, watermark int64) bool {
	return !w.created.IsZero() && watermark > w.partTime+p.delay.Microseconds()
}

// due reports whether w's process-time trigger fired: its uncommitted data
// is older than the delay, and than the commit pace.
func (p *commitPolicy) due(w *partWriter, now time.Time) bool {
	return !w.created.IsZero() && now.Sub(w.created) >= max(p.delay, p.every)
}

// commit writes the success file of one partition.
func (p *commitPolicy) commit(w *partWriter) error {
	if p.successFile == "" {
		return nil
	}
	return writeSuccess(filepath.Join(p.root, w.rel, p.successFile))
}

// finish commits, once the last subtask finished, every partition any
// subtask wrote: only then is each partition complete.
func (p *commitPolicy) finish(parts []*partWriter) error {
	if p.finishes == nil {
		return nil
	}
	b := p.finishes
	b.mu.Lock()
	for _, w := range parts {
		b.parts[w.rel] = true
	}
	b.done++
	last := b.done >= b.parallelism
	rels := make([]string, 0, len(b.parts))
	for r := range b.parts {
		rels = append(rels, r)
	}
	b.mu.Unlock()
	if !last {
		return nil
	}
	finishBarriers.Delete(p.key)
	sort.Strings(rels)
	for _, r := range rels {
		if err := writeSuccess(filepath.Join(p.root, r, p.successFile)); err != nil {
			return fmt.Errorf("table %s: committing partition %s: %w", p.table, r, err)
		}
	}
	return nil
}

// finishBarriers maps a sink's table, which all its subtasks share, to the
// barrier collecting their partitions until the last one finishes.
var finishBarriers sync.Map // *connector.Table → *finishBarrier

type finishBarrier struct {
	mu          sync.Mutex
	parallelism int
	done        int
	parts       map[string]bool
	// wms is each subtask's watermark and pending the partitions (with
	// their time) waiting for all of them to pass (partition-time trigger).
	wms     []int64
	pending map[string]int64
}

// writeSuccess writes an empty success file (again, if it exists).
func writeSuccess(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// loadZone parses a time zone id as Flink accepts it: a region
// ('Asia/Shanghai'), 'UTC', or an offset ('GMT+08:00', 'UTC-8').
func loadZone(id string) (*time.Location, error) {
	for _, pre := range []string{"GMT", "UTC"} {
		if rest, ok := strings.CutPrefix(id, pre); ok && rest != "" {
			d, err := parseOffset(rest)
			if err != nil {
				return nil, err
			}
			return time.FixedZone(id, int(d/time.Second)), nil
		}
	}
	return time.LoadLocation(id)
}

func parseOffset(s string) (time.Duration, error) {
	sign := time.Duration(1)
	switch s[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, fmt.Errorf("invalid zone offset '%s'", s)
	}
	h, m, _ := strings.Cut(s[1:], ":")
	var hh, mm int
	if _, err := fmt.Sscanf(h, "%d", &hh); err != nil || hh > 18 {
		return 0, fmt.Errorf("invalid zone offset '%s'", s)
	}
	if m != "" {
		if _, err := fmt.Sscanf(m, "%d", &mm); err != nil || mm > 59 {
			return 0, fmt.Errorf("invalid zone offset '%s'", s)
		}
	}
	return sign * (time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute), nil
}
