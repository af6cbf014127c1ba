package gateway

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/spry-engine/spry/table"
)

// rwBuf is a session's stream: requests from in, responses to out.
type rwBuf struct {
	in  *bytes.Reader
	out bytes.Buffer
}

func (b *rwBuf) Read(p []byte) (int, error)  { return b.in.Read(p) }
func (b *rwBuf) Write(p []byte) (int, error) { return b.out.Write(p) }

func frame(b []byte) []byte {
	h := make([]byte, 4)
	binary.BigEndian.PutUint32(h, uint32(len(b)))
	return append(h, b...)
}

// FuzzServe feeds arbitrary bytes to a session: it must answer or stop
// with an error, never panic or hang.
func FuzzServe(f *testing.F) {
	f.Add(frame([]byte(`{"id":1,"method":"hello","params":{"version":1}}`)))
	f.Add(frame([]byte(`{"id":2,"method":"get_config","params":{"key":"parallelism.default"}}`)))
	f.Add(frame([]byte(`{"id":3,"method":"register_arrow","params":{"name":"t"},"payloads":1}`)))
	f.Add(append(frame([]byte(`{"id":4,"method":"fetch","params":{"result":1},"payloads":1}`)), 0, 0, 0, 9))
	f.Add(append(frame([]byte(`{"id":5,"method":"register_rows","params":{"name":"t","columns":[{"name":"a","type":"DECIMAL(5, 2)"},{"name":"b","type":"DOUBLE NOT NULL"}]},"payloads":1}`)),
		frame([]byte(`[["1.5","NaN"],[null,2]]`))...))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	srv := &Server{Settings: table.Settings{Parallelism: 1}}
	f.Fuzz(func(t *testing.T, data []byte) {
		rw := &rwBuf{in: bytes.NewReader(data)}
		_ = srv.Serve(context.Background(), rw)
	})
}
