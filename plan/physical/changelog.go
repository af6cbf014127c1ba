package physical

import (
	"fmt"

	"github.com/spry-engine/spry/types"
)

// inferChangelog sets every node's Mode bottom-up and checks that each
// sink and each insert-only operator gets what it can consume. In batch
// mode every stream is insert-only.
func inferChangelog(root *Node, batch bool) error {
	var err error
	root.walk(func(n *Node) {
		if err != nil {
			return
		}
		in := types.ChangelogMode(0)
		var src *Node
		for _, c := range n.Inputs {
			in |= c.Mode
			if src == nil && c.updateSource != nil {
				src = c.updateSource
			}
		}
		if len(n.Inputs) == 0 {
			in = types.ModeInsertOnly
		}
		switch {
		case batch:
			n.Mode = types.ModeInsertOnly
		case n.generates != nil:
			n.Mode = n.generates(in)
		default:
			n.Mode = in
		}
		n.updateSource = src
		if n.inputMode != nil {
			n.inputMode(in)
		}
		if n.Mode&^in != 0 && !n.Mode.IsInsertOnly() {
			n.updateSource = n
		}
		if batch {
			return
		}
		if n.needsInsertOnly && !in.IsInsertOnly() {
			err = errorf(ErrChangelog, fmt.Sprintf("%s doesn't support consuming %s changes which is produced by node %s",
				n.Name, changeWords(in), describe(src)))
			return
		}
		if n.sink != nil {
			err = checkSink(n, in, src)
		}
	})
	return err
}

// checkSink fails as Flink does when a sink cannot take its input's
// changes.
func checkSink(n *Node, in types.ChangelogMode, src *Node) error {
	acc := n.sink.accept
	updates := in.Contains(types.UpdateAfter) || in.Contains(types.UpdateBefore)
	deletes := in.Contains(types.Delete)
	var what string
	switch {
	case updates && !acc.Contains(types.UpdateAfter) && deletes && !acc.Contains(types.Delete):
		what = "update and delete"
	case updates && !acc.Contains(types.UpdateAfter):
		what = "update"
	case deletes && !acc.Contains(types.Delete):
		what = "delete"
	case in.Contains(types.UpdateBefore) && !acc.Contains(types.UpdateBefore):
		// An upsert sink: it gets the +U rows alone.
		n.Inputs[0] = dropUpdateBefore(n.Inputs[0])
		return nil
	default:
		return nil
	}
	return errorf(ErrChangelog, fmt.Sprintf("Table sink '%s' doesn't support consuming %s changes which is produced by node %s",
		n.sink.path, what, describe(src)))
}

func changeWords(m types.ChangelogMode) string {
	u := m.Contains(types.UpdateAfter) || m.Contains(types.UpdateBefore)
	d := m.Contains(types.Delete)
	switch {
	case u && d:
		return "update and delete"
	case d:
		return "delete"
	}
	return "update"
}

func describe(n *Node) string {
	if n == nil {
		return "unknown"
	}
	return n.String()
}
