package jdbc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/spry-engine/spry/types"
)

// stateVersion is the first byte of the sink's checkpoint state. Version
// 1 held only the pending checkpoints; version 2 adds the subtask that
// stored the state and its lineage token, so a restored subtask can reset
// that subtask's marker even when nothing was pending.
const (
	stateVersion1 = 1
	stateVersion  = 2
)

// eoState is what one exactly-once sink subtask stores in a checkpoint.
type eoState struct {
	Subtask int    // the subtask that stored it; -1 when unknown (version 1)
	Lineage string // the lineage token of its markers; "" when unknown (version 1)
	Pending []eoCheckpoint
}

// encodeState writes the version, the subtask, the lineage token, the
// count of pending checkpoints, then per checkpoint the subtask, id and
// Arrow IPC stream of its rows.
func encodeState(st eoState) []byte {
	out := []byte{stateVersion}
	out = binary.AppendUvarint(out, uint64(st.Subtask))
	out = binary.AppendUvarint(out, uint64(len(st.Lineage)))
	out = append(out, st.Lineage...)
	out = binary.AppendUvarint(out, uint64(len(st.Pending)))
	for _, c := range st.Pending {
		out = binary.AppendUvarint(out, uint64(c.Subtask))
		out = binary.AppendVarint(out, c.ID)
		out = binary.AppendUvarint(out, uint64(len(c.Data)))
		out = append(out, c.Data...)
	}
	return out
}

// decodeState reads what encodeState (or version 1) wrote, decoding the
// rows. The pending checkpoints carry the state's lineage.
func decodeState(schema *types.Schema, b []byte) (eoState, error) {
	st := eoState{Subtask: -1}
	if len(b) == 0 || (b[0] != stateVersion && b[0] != stateVersion1) {
		return st, fmt.Errorf("unsupported state version (want %d)", stateVersion)
	}
	r := bytes.NewReader(b[1:])
	if b[0] == stateVersion {
		sub, err1 := binary.ReadUvarint(r)
		size, err2 := binary.ReadUvarint(r)
		if err := errors.Join(err1, err2); err != nil || size > uint64(r.Len()) || sub > 1<<30 {
			return st, errors.New("corrupt state header")
		}
		lin := make([]byte, size)
		if _, err := r.Read(lin); err != nil && size > 0 {
			return st, fmt.Errorf("corrupt state: %w", err)
		}
		st.Subtask, st.Lineage = int(sub), string(lin)
	}
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return st, fmt.Errorf("corrupt state: %w", err)
	}
	for i := uint64(0); i < n; i++ {
		sub, err1 := binary.ReadUvarint(r)
		id, err2 := binary.ReadVarint(r)
		size, err3 := binary.ReadUvarint(r)
		if err := errors.Join(err1, err2, err3); err != nil || size > uint64(r.Len()) || sub > 1<<30 {
			return st, fmt.Errorf("corrupt state at checkpoint entry %d", i)
		}
		data := make([]byte, size)
		if _, err := r.Read(data); err != nil && size > 0 {
			return st, fmt.Errorf("corrupt state: %w", err)
		}
		rows, err := decodeRows(schema, data)
		if err != nil {
			return st, err
		}
		if st.Subtask < 0 {
			st.Subtask = int(sub) // version 1: the entries name their subtask
		}
		st.Pending = append(st.Pending, eoCheckpoint{Subtask: int(sub), ID: id, Rows: rows, Data: data, Lineage: st.Lineage})
	}
	return st, nil
}
