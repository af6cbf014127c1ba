package filesystem

import (
	"bytes"
	"io"
	"math"
	"os"
)

// minSplitBytes is the smallest byte range worth a subtask of its own: a
// file is cut into at most size/minSplitBytes splits. A variable so tests
// can split small files.
var minSplitBytes int64 = 4 << 20

// split is a byte range of one file read by one subtask, as Flink's file
// source splits: the reader of a split reads the records that start in
// [start, limit), the last one possibly running past limit.
//
// A record starts after a newline, so a reader of split k > 0 starts
// after the first newline at or after start-1. That holds only when no
// record holds a newline inside quotes. Records with hazard bytes (the
// CSV quote and escape characters) are therefore handled conservatively:
// the reader of split k gives up (reads nothing) if any hazard byte
// precedes its start, and a reader that consumed a hazard byte keeps
// reading past its limit to the end of the file. Both tests look at the
// same bytes, so every record is read exactly once; a file with quotes
// early on is read whole by the first split's reader.
type split struct {
	path         string
	index        int   // 0 for the first split of a file (or a whole file)
	start, limit int64 // limit is math.MaxInt64 for the last split
	// resumed is set on a split restored from a checkpoint in the middle:
	// its reader starts at off (a record's start), hazard as it was.
	resumed bool
	off     int64
	hazard  bool
}

// splitFile cuts a file of size bytes into up to n splits.
func splitFile(path string, size int64, n int) []split {
	n = int(min(int64(n), size/max(minSplitBytes, 1)))
	if n <= 1 {
		return []split{{path: path, limit: math.MaxInt64}}
	}
	out := make([]split, n)
	for k := range out {
		out[k] = split{path: path, index: k, start: size * int64(k) / int64(n), limit: size * int64(k+1) / int64(n)}
	}
	out[n-1].limit = math.MaxInt64
	return out
}

// findStart returns where the reader of split sp (index > 0) begins: after
// the first newline at or after sp.start-1. ok is false when that is past
// the split's limit or when a hazard byte comes before it.
func findStart(f *os.File, sp split, hazards []byte) (int64, bool, error) {
	buf := make([]byte, 256<<10)
	start := int64(-1)
	for pos := sp.start - 1; start < 0; {
		if pos >= sp.limit {
			return 0, false, nil
		}
		n, err := f.ReadAt(buf, pos)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			start = pos + int64(i) + 1
			break
		}
		pos += int64(n)
		if err == io.EOF || n == 0 {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
	}
	if start >= sp.limit {
		return 0, false, nil
	}
	if len(hazards) == 0 {
		return start, true, nil
	}
	for pos := int64(0); pos < start; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), start-pos)], pos)
		for _, h := range hazards {
			if bytes.IndexByte(buf[:n], h) >= 0 {
				return 0, false, nil
			}
		}
		pos += int64(n)
		if err != nil && err != io.EOF {
			return 0, false, err
		}
		if n == 0 {
			break
		}
	}
	return start, true, nil
}
