package filesystem

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// readBufSize is the initial read buffer of a file reader: large enough
// that a read syscall and a decode call cover thousands of records.
const readBufSize = 1 << 20

// errRecordTooLong is a record longer than maxRecord.
var errRecordTooLong = errors.New("record too long")

// blockDecoder is implemented by decoders that cut and decode many records
// of a buffer in one call (format/csv), saving the per-record split and
// call of the generic path.
type blockDecoder interface {
	// DecodeBlock decodes the records of data that start before offset
	// stop, until the decoder holds maxRows rows. It returns the bytes
	// consumed, always whole records; 0 with a nil error means data holds
	// no whole record (unless atEOF). On a bad record the error is
	// returned with n at the start of that record.
	DecodeBlock(data []byte, atEOF bool, stop, maxRows int) (n int, err error)
}

// fileReader reads the records of one split of a file: those starting in
// [start, limit). It keeps a buffer of the file from the next record on.
type fileReader struct {
	f      *os.File
	sp     split
	buf    []byte
	lo, hi int   // unconsumed bytes are buf[lo:hi]
	off    int64 // file offset of buf[lo], the next record's start
	eof    bool
	// hazard is set once the reader consumed a byte that may make a
	// newline not end a record (a quote); it then reads past its limit,
	// because the next split's reader gives up (see split.go).
	hazard  bool
	hazards []byte
}

func openReader(sp split, hazards []byte, buf []byte) (*fileReader, error) {
	f, err := os.Open(sp.path)
	if err != nil {
		return nil, err
	}
	r := &fileReader{f: f, sp: sp, buf: buf, hazards: hazards}
	want := int64(readBufSize)
	if st, err := f.Stat(); err == nil {
		want = min(want, max(st.Size()-sp.start+1, 4<<10)) // small files, small buffers
	}
	if int64(cap(r.buf)) < want {
		r.buf = make([]byte, want)
	}
	r.buf = r.buf[:cap(r.buf)]
	if sp.resumed {
		r.off, r.hazard = sp.off, sp.hazard
	} else if sp.index > 0 {
		start, ok, err := findStart(f, sp, hazards)
		if err != nil || !ok {
			f.Close()
			r.f = nil
			r.eof, r.off = true, sp.limit
			return r, err
		}
		r.off = start
	}
	if _, err := f.Seek(r.off, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// done reports whether the reader's records are all consumed.
func (r *fileReader) done() bool {
	if r.f == nil {
		return true
	}
	if r.off >= r.sp.limit && !r.hazard {
		return true
	}
	return r.eof && r.lo == r.hi
}

// data returns the unconsumed bytes and the offset in them where records
// stop belonging to this split.
func (r *fileReader) data() ([]byte, int) {
	d := r.buf[r.lo:r.hi]
	stop := len(d) + 1
	if !r.hazard && r.sp.limit-r.off < int64(stop) {
		stop = int(r.sp.limit - r.off)
	}
	return d, stop
}

// consume marks n bytes as read, noting whether they hold a hazard.
func (r *fileReader) consume(n int) {
	if !r.hazard && n > 0 {
		for _, h := range r.hazards {
			if bytes.IndexByte(r.buf[r.lo:r.lo+n], h) >= 0 {
				r.hazard = true
				break
			}
		}
	}
	r.lo += n
	r.off += int64(n)
}

// fill reads more of the file, growing the buffer when a record does not
// fit in it.
func (r *fileReader) fill() error {
	if r.eof {
		return nil
	}
	if r.lo > 0 {
		r.hi = copy(r.buf, r.buf[r.lo:r.hi])
		r.lo = 0
	}
	if r.hi == len(r.buf) {
		if len(r.buf) >= maxRecord {
			return errRecordTooLong
		}
		nb := make([]byte, min(2*len(r.buf), maxRecord))
		copy(nb, r.buf[:r.hi])
		r.buf = nb
	}
	n, err := r.f.Read(r.buf[r.hi:])
	r.hi += n
	if errors.Is(err, io.EOF) || (err == nil && n == 0) {
		r.eof = true
		return nil
	}
	return err
}

// next cuts one record with split; ok is false when more data is needed.
func (r *fileReader) next(sf bufio.SplitFunc) (rec []byte, ok bool, err error) {
	d, stop := r.data()
	if stop <= 0 {
		return nil, false, nil
	}
	adv, tok, err := sf(d, r.eof)
	if err != nil {
		return nil, false, err
	}
	if adv == 0 {
		if r.eof && len(d) > 0 && tok == nil {
			return nil, false, errRecordTooLong
		}
		return nil, false, nil
	}
	r.consume(adv)
	return tok, true, nil
}

func (r *fileReader) close() {
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
}

// lineAt returns the 1-based line of path holding byte offset off, for
// error messages of readers that did not start at the file's beginning.
func lineAt(path string, off int64) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	line := 1
	buf := make([]byte, 64<<10)
	for off > 0 {
		n, err := f.Read(buf[:min(int64(len(buf)), off)])
		line += bytes.Count(buf[:n], []byte{'\n'})
		off -= int64(n)
		if err != nil || n == 0 {
			break
		}
	}
	return line
}

// readError names the file and line of a bad record at offset off.
func readError(table, path string, off int64, err error) error {
	return fmt.Errorf("table %s: %s:%d: %w", table, path, lineAt(path, off), err)
}
