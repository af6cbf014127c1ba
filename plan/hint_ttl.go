package plan

import (
	"sort"
	"strings"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/sql"
)

// ttlHint is a query block's STATE_TTL hint, e.g.
// SELECT /*+ STATE_TTL('o' = '1d', 'c' = '12h') */ ...: per input table or
// alias, how long the join or aggregation of that block keeps the input's
// state (Flink 1.18's STATE_TTL hint).
type ttlHint struct {
	pos  sql.Pos
	ttl  map[string]time.Duration // lower-cased table name or alias → TTL
	used map[string]bool
}

// stateTTLHint reads the STATE_TTL hint among a block's hints, or nil.
func stateTTLHint(hints []*sql.Hint) (*ttlHint, error) {
	var h *ttlHint
	for _, x := range hints {
		if !strings.EqualFold(x.Name, "STATE_TTL") {
			continue
		}
		if len(x.Options) == 0 {
			return nil, errorf(x.Pos, ErrOther, "Invalid STATE_TTL hint, expecting at least one key-value options specified.")
		}
		if h == nil {
			h = &ttlHint{pos: x.Pos, ttl: map[string]time.Duration{}, used: map[string]bool{}}
		}
		for _, o := range x.Options {
			d, err := connector.ParseDuration(o.Value)
			if err != nil || d <= 0 {
				return nil, errorf(o.ValuePos, ErrOther, "Invalid STATE_TTL hint value '%s' for '%s': expecting a positive duration such as '1d' or '12 h'", o.Value, o.Key)
			}
			h.ttl[strings.ToLower(o.Key)] = d
		}
	}
	return h, nil
}

// forInput returns the TTL the hint gives the input te (a table or view by
// name or alias; a nested join by any of its tables), or 0.
func (h *ttlHint) forInput(te sql.TableExpr) time.Duration {
	if h == nil {
		return 0
	}
	var d time.Duration
	for _, n := range inputNames(te) {
		if v, ok := h.ttl[n]; ok {
			h.used[n] = true
			d = max(d, v)
		}
	}
	return d
}

// unused reports hint keys that named no input of the block, as Flink does.
func (h *ttlHint) unused() error {
	if h == nil {
		return nil
	}
	var bad []string
	for k := range h.ttl {
		if !h.used[k] {
			bad = append(bad, "`"+k+"`")
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return errorf(h.pos, ErrOther, "The options of following hints cannot match the name of input tables or views: \n%s in `STATE_TTL`", strings.Join(bad, ", "))
}

// inputNames lists the lower-cased names a FROM item answers to.
func inputNames(te sql.TableExpr) []string {
	switch t := te.(type) {
	case *sql.TableRef:
		if t.Alias != nil {
			return []string{strings.ToLower(t.Alias.Name.Name)}
		}
		return []string{strings.ToLower(t.Name.Last())}
	case *sql.SubqueryRef:
		if t.Alias != nil {
			return []string{strings.ToLower(t.Alias.Name.Name)}
		}
	case *sql.Join:
		return append(inputNames(t.Left), inputNames(t.Right)...)
	}
	return nil
}

// applyAggTTL gives the aggregate at the top of a block's plan (below its
// projections, filters and sorts) the hint's TTL for the block's input.
func (h *ttlHint) applyAggTTL(n Node, from sql.TableExpr) {
	if h == nil || from == nil {
		return
	}
	d := h.forInput(from)
	if d == 0 {
		return
	}
	for n != nil {
		switch x := n.(type) {
		case *Aggregate:
			x.StateTTL = d
			return
		case *Project, *Filter, *Sort:
			n = x.Inputs()[0]
		default:
			return
		}
	}
}
