package worker

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// FuzzWorkerOutput feeds arbitrary bytes to the engine's side of the
// protocol: framing, JSON replies and Arrow result batches must fail with
// errors, never panic (a broken worker must not take the engine down).
func FuzzWorkerOutput(f *testing.F) {
	var ok bytes.Buffer
	w := bufio.NewWriter(&ok)
	_ = writeJSON(w, map[string]string{"type": "opened"})
	var rec bytes.Buffer
	iw := ipc.NewWriter(&rec, ipc.WithSchema(arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.PrimitiveTypes.Int64}}, nil)))
	_ = iw.Write(batchOf(int64s(1, 2, 3)))
	_ = iw.Close()
	_ = writeFrame(w, TagResult, rec.Bytes())
	_ = w.Flush()
	f.Add(ok.Bytes())
	f.Add([]byte{0, 0, 0, 2, 'J', '{'})
	f.Add([]byte{0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		for i := 0; i < 8; i++ {
			tag, body, err := readFrame(r, nil)
			if err != nil {
				return
			}
			switch tag {
			case TagJSON:
				var rep reply
				_ = json.Unmarshal(body, &rep)
			case TagResult:
				if cols, err := safeDecode(body); err == nil {
					for _, c := range cols {
						c.Release()
					}
				}
			}
		}
	})
}

func safeDecode(b []byte) ([]arrow.Array, error) { return decodeColumns(b) }
