package plan

import (
	"strings"

	"github.com/spry-engine/spry/types"
)

// callTimeAttr returns the type a call of fn yields: any expression over a
// time attribute other than the bare column materializes it (ts + INTERVAL
// '1' SECOND, COALESCE(ts, ...) and CASE are plain timestamps), as in
// Flink. Only functions whose result is a time attribute by definition
// keep it: PROCTIME() and the group-window properties *_ROWTIME and
// *_PROCTIME.
func callTimeAttr(fn string, t types.DataType) types.DataType {
	if t.TimeAttr == types.TimeAttrNone {
		return t
	}
	u := strings.ToUpper(fn)
	if u == "PROCTIME" || strings.HasSuffix(u, "_ROWTIME") || strings.HasSuffix(u, "_PROCTIME") {
		return t
	}
	return t.WithoutTimeAttr()
}

// groupKeyTimeAttr returns the type of a regular aggregation's group key
// called name: the aggregation materializes time attributes, except a
// window TVF's window_time, which stays a rowtime attribute when the
// optimizer turns the aggregation into a window aggregation (Flink keeps
// window_time a time attribute for cascaded windows).
func groupKeyTimeAttr(name string, t types.DataType) types.DataType {
	if t.TimeAttr == types.TimeAttrNone || strings.EqualFold(name, "window_time") {
		return t
	}
	return t.WithoutTimeAttr()
}
