package physical

import (
	"strings"

	"github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// Node is one physical operator of the plan tree. Nodes are plain data: the
// planner fills them, changelog inference sets Mode, and the graph builder
// turns each node with a Spec into a chained operator. Exchange and Union
// nodes carry no Spec: they become job graph edges.
type Node struct {
	// Name is Flink's physical node name, e.g. "GroupAggregate".
	Name string
	// Desc is the node's attributes as Flink prints them inside the
	// parentheses, e.g. "groupBy=[word], select=[word, COUNT(*) AS EXPR$1]".
	Desc   string
	Inputs []*Node
	Schema *types.Schema
	// Spec is the runtime operator; nil for Exchange and Union.
	Spec *ops.Spec
	// Exchange is set on Exchange nodes: how rows are spread to the next
	// operator's subtasks.
	Exchange *Exchange
	// Parallelism is the node's subtask count; 0 inherits from its input.
	Parallelism int
	// Mode is the changelog the node emits, set by inference.
	Mode types.ChangelogMode
	// updateSource is the nearest node upstream (or this one) that first
	// produced update or delete rows, for error messages as Flink's.
	updateSource *Node
	// needsInsertOnly marks operators that cannot consume updates.
	needsInsertOnly bool
	// generates is the changelog a node adds on its own (e.g. a streaming
	// aggregation adds updates), given its inputs' modes.
	generates func(in types.ChangelogMode) types.ChangelogMode
	// inputMode, if set, is told the changelog mode of the node's input
	// once inference knows it.
	inputMode func(types.ChangelogMode)
	// unbounded marks a source that never ends.
	unbounded bool
	// sink is set on Sink nodes, for the acceptance check.
	sink *sinkInfo
}

// Exchange describes a data exchange between two operators.
type Exchange struct {
	Partition runtime.Partitioning
	// Keys are hash columns of the input (Hash only).
	Keys []int
}

// String prints the node on one line as Flink's physical plan does.
func (n *Node) String() string {
	if n.Desc == "" {
		return n.Name
	}
	return n.Name + "(" + n.Desc + ")"
}

// stringWithMode adds changelogMode=[...] as EXPLAIN CHANGELOG_MODE does.
func (n *Node) stringWithMode() string {
	d := n.Desc
	if d != "" {
		d += ", "
	}
	m := modeString(n.Mode)
	if n.sink != nil {
		m = "NONE" // a sink emits nothing, as Flink prints it
	}
	return n.Name + "(" + d + "changelogMode=[" + m + "])"
}

// modeString prints a mode as Flink's EXPLAIN CHANGELOG_MODE: I,UB,UA,D.
func modeString(m types.ChangelogMode) string {
	s := m.String()
	return strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
}

// Tree prints the node and its inputs as Flink's EXPLAIN does, one node per
// line with "+- " before the last input and ":- " before the others.
func (n *Node) Tree(withMode bool) string {
	var b strings.Builder
	n.tree(&b, "", "", withMode)
	return b.String()
}

func (n *Node) tree(b *strings.Builder, first, rest string, withMode bool) {
	b.WriteString(first)
	if withMode {
		b.WriteString(n.stringWithMode())
	} else {
		b.WriteString(n.String())
	}
	b.WriteByte('\n')
	for i, c := range n.Inputs {
		if i == len(n.Inputs)-1 {
			c.tree(b, rest+"+- ", rest+"   ", withMode)
		} else {
			c.tree(b, rest+":- ", rest+":  ", withMode)
		}
	}
}

// walk visits n and its inputs, inputs first.
func (n *Node) walk(f func(*Node)) {
	for _, c := range n.Inputs {
		c.walk(f)
	}
	f(n)
}
