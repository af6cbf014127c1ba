package ops

import (
	"github.com/spry-engine/spry/types"
)

// aggEmitRows bounds the rows of one output batch of a batch aggregation.
const aggEmitRows = 8192

// EndInput emits the final rows of a batch aggregation (all +I): one per
// group, or for a global aggregation (no keys) over empty input the single
// row SQL requires (COUNT = 0, SUM = NULL). A local phase emits nothing for
// empty input; its global phase produces that row.
func (a *hashAgg) EndInput(_ int, out Collector) error {
	if a.cfg.Streaming {
		return a.FlushBuffered(out)
	}
	if len(a.cfg.Keys) == 0 && a.table.len() == 0 && a.cfg.Phase != AggLocal {
		a.table.assign(nil, 0, nil)
	}
	groups := a.table.liveGroups(nil)
	for lo := 0; lo < len(groups); lo += aggEmitRows {
		part := groups[lo:min(lo+aggEmitRows, len(groups))]
		b, err := a.emitRows(part, nil)
		if err != nil {
			return err
		}
		if err := out.Emit(b); err != nil {
			return err
		}
	}
	return nil
}

// emitRows builds an output batch of the current results of groups, with
// row kinds kinds (nil: all +I). A streaming local phase appends the row
// counts.
func (a *hashAgg) emitRows(groups []uint32, kinds []types.RowKind) (*types.Batch, error) {
	cols := a.table.keyColumns(groups)
	res, err := a.results(groups)
	if err != nil {
		return nil, err
	}
	cols = append(cols, res...)
	if a.cfg.Phase == AggLocal && a.cfg.Streaming {
		cnt := make([]int64, len(groups))
		for i, g := range groups {
			cnt[i] = a.rowCnt[g]
		}
		cols = append(cols, int64Array(cnt))
	}
	return types.NewBatch(a.out, cols, kinds, len(groups)), nil
}
