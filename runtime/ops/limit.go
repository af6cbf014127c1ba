package ops

import (
	"fmt"

	"github.com/spry-engine/spry/types"
)

// LimitConfig configures a Limit: skip Offset rows, then pass Limit rows
// (Limit -1 passes all remaining rows).
type LimitConfig struct {
	Offset, Limit int64
}

// Limit passes rows in arrival order between Offset and Offset+Limit and
// drops the rest, for OFFSET/FETCH without ORDER BY on batch or insert-only
// streams. It counts per subtask: the planner runs the final Limit with
// parallelism 1 behind a GLOBAL exchange (a local one before it may cut
// each subtask's share early).
type Limit struct {
	BaseOperator
	cfg  *LimitConfig
	seen int64
}

var (
	_ Operator = (*Limit)(nil)
	_ Finisher = (*Limit)(nil)
)

// NewLimit makes a Limit.
func NewLimit(c *LimitConfig) (*Limit, error) {
	if c.Offset < 0 || c.Limit < -1 {
		return nil, &SpecError{KindLimit, fmt.Sprintf("invalid offset %d or fetch %d", c.Offset, c.Limit)}
	}
	return &Limit{cfg: c}, nil
}

// ProcessBatch passes the part of b inside the window.
func (l *Limit) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	if !b.InsertOnly() {
		return fmt.Errorf("%s cannot consume update or delete changes", l)
	}
	n := int64(b.Len())
	from, to := max(l.cfg.Offset-l.seen, 0), n
	if l.cfg.Limit >= 0 {
		to = min(l.cfg.Offset+l.cfg.Limit-l.seen, n)
	}
	l.seen += n
	if from >= to {
		return nil
	}
	if from > 0 || to < n {
		b = b.Slice(int(from), int(to))
	}
	return out.Emit(b)
}

// Done reports whether the limit is reached and more input is useless.
func (l *Limit) Done() bool {
	return l.cfg.Limit >= 0 && l.seen >= l.cfg.Offset+l.cfg.Limit
}

// String prints e.g. Limit(offset=[0], fetch=[10]).
func (l *Limit) String() string {
	if l.cfg.Limit < 0 {
		return fmt.Sprintf("Limit(offset=[%d], fetch=[unlimited])", l.cfg.Offset)
	}
	return fmt.Sprintf("Limit(offset=[%d], fetch=[%d])", l.cfg.Offset, l.cfg.Limit)
}
