package gateway

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// MaxFrame is the largest frame either side accepts (1 GiB): a bigger
// length prefix means a corrupt stream, not a big table.
const MaxFrame = 1 << 30

// ProtocolError reports a malformed frame or request: the peer does not
// speak the protocol as docs/gateway.md describes it.
type ProtocolError struct {
	Msg string
}

func (e *ProtocolError) Error() string { return "gateway protocol error: " + e.Msg }

// request is the JSON frame of a call.
type request struct {
	ID       int64           `json:"id"`
	Method   string          `json:"method"`
	Params   json.RawMessage `json:"params,omitempty"`
	Payloads int             `json:"payloads,omitempty"`
}

// response is the JSON frame answering a call: Result or Error is set.
type response struct {
	ID       int64        `json:"id"`
	Result   any          `json:"result,omitempty"`
	Error    *ErrorObject `json:"error,omitempty"`
	Payloads int          `json:"payloads,omitempty"`
}

// conn reads and writes frames on one byte stream. Reads and writes are
// buffered; flush sends a whole response at once so a round trip costs
// one write system call.
type conn struct {
	r *bufio.Reader
	w *bufio.Writer
	h [4]byte
}

func newConn(rw io.ReadWriter) *conn {
	return &conn{r: bufio.NewReaderSize(rw, 64<<10), w: bufio.NewWriterSize(rw, 64<<10)}
}

// readFrame returns the next frame's bytes; io.EOF when the stream ends
// cleanly between frames.
func (c *conn) readFrame() ([]byte, error) {
	if _, err := io.ReadFull(c.r, c.h[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return nil, &ProtocolError{"stream ended inside a frame header"}
		}
		return nil, err
	}
	n := binary.BigEndian.Uint32(c.h[:])
	if n > MaxFrame {
		return nil, &ProtocolError{fmt.Sprintf("frame of %d bytes exceeds the limit of %d", n, MaxFrame)}
	}
	if n <= 1<<20 {
		buf := make([]byte, n)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return nil, &ProtocolError{fmt.Sprintf("stream ended inside a frame of %d bytes", n)}
		}
		return buf, nil
	}
	// A large frame grows as its bytes arrive, so a corrupt length cannot
	// make us allocate a gigabyte up front.
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, c.r, int64(n)); err != nil {
		return nil, &ProtocolError{fmt.Sprintf("stream ended inside a frame of %d bytes", n)}
	}
	return buf.Bytes(), nil
}

// writeFrame buffers one frame; call flush to send.
func (c *conn) writeFrame(b []byte) error {
	if len(b) > MaxFrame {
		return &ProtocolError{fmt.Sprintf("frame of %d bytes exceeds the limit of %d", len(b), MaxFrame)}
	}
	binary.BigEndian.PutUint32(c.h[:], uint32(len(b)))
	if _, err := c.w.Write(c.h[:]); err != nil {
		return err
	}
	_, err := c.w.Write(b)
	return err
}

func (c *conn) flush() error { return c.w.Flush() }

// readRequest reads a request frame and its payload frames.
func (c *conn) readRequest() (*request, [][]byte, error) {
	b, err := c.readFrame()
	if err != nil {
		return nil, nil, err
	}
	var req request
	if err := json.Unmarshal(b, &req); err != nil {
		return nil, nil, &ProtocolError{fmt.Sprintf("request frame is not a JSON object: %v", err)}
	}
	if req.Payloads < 0 || req.Payloads > 1<<16 {
		return &req, nil, &ProtocolError{fmt.Sprintf("invalid payload count %d", req.Payloads)}
	}
	var payloads [][]byte
	for i := 0; i < req.Payloads; i++ {
		p, err := c.readFrame()
		if err != nil {
			if err == io.EOF {
				err = &ProtocolError{fmt.Sprintf("stream ended before payload %d of %d", i+1, req.Payloads)}
			}
			return &req, nil, err
		}
		payloads = append(payloads, p)
	}
	return &req, payloads, nil
}

// writeResponse sends a response and its payloads in one flush.
func (c *conn) writeResponse(resp *response, payloads [][]byte) error {
	resp.Payloads = len(payloads)
	b, err := json.Marshal(resp)
	if err != nil {
		// A result that does not encode is a server bug; answer with it
		// rather than leave the client waiting.
		b, _ = json.Marshal(&response{ID: resp.ID, Error: &ErrorObject{Type: TypeInternal, Message: "cannot encode result: " + err.Error()}})
		payloads = nil
	}
	if err := c.writeFrame(b); err != nil {
		return err
	}
	for _, p := range payloads {
		if err := c.writeFrame(p); err != nil {
			return err
		}
	}
	return c.flush()
}
