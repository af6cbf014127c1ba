package streamtest

import (
	"fmt"
	"strings"
	"time"

	"github.com/spry-engine/spry/types"
)

// parseRow parses a row in Flink's printed form, +I[alice, 3, NULL], into
// its kind and the text of each value (nil for NULL). Values are separated
// by ", " outside brackets; a value written in single quotes ('a, b',
// doubling a quote inside) is taken literally, so it may hold ", " or spell
// the string 'NULL'.
func parseRow(s string) (types.RowKind, []*string, error) {
	if len(s) < 4 {
		return 0, nil, fmt.Errorf("want a row like +I[a, 1], got %q", s)
	}
	kind, ok := types.ParseRowKind(s[:2])
	if !ok || s[2] != '[' || s[len(s)-1] != ']' {
		return 0, nil, fmt.Errorf("want a row like +I[a, 1] (kinds +I, -U, +U, -D), got %q", s)
	}
	body := s[3 : len(s)-1]
	if body == "" {
		return kind, nil, nil
	}
	var vals []*string
	depth, start := 0, 0
	quoted := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case quoted:
			if c == '\'' {
				if i+1 < len(body) && body[i+1] == '\'' {
					i++
				} else {
					quoted = false
				}
			}
		case c == '\'' && i == start:
			quoted = true
		case c == '[' || c == '(' || c == '{':
			depth++
		case c == ']' || c == ')' || c == '}':
			depth--
		case c == ',' && depth == 0 && i+1 < len(body) && body[i+1] == ' ':
			vals = append(vals, value(body[start:i]))
			i++
			start = i + 1
		}
	}
	if quoted {
		return 0, nil, fmt.Errorf("unterminated quote in %q", s)
	}
	return kind, append(vals, value(body[start:])), nil
}

// value turns one printed value into its text, or nil for NULL.
func value(v string) *string {
	switch v {
	case "NULL", "<NULL>", "null":
		return nil
	}
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		v = strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	}
	return &v
}

// timeLayouts are the accepted timestamp forms of watermark and proctime
// lines.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTime reads a watermark or processing time, given in UTC as
// 'yyyy-MM-dd HH:mm:ss[.fff]', into µs since the epoch.
func parseTime(s string) (int64, error) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t.UnixMicro(), nil
		}
	}
	return 0, fmt.Errorf("want a timestamp like 2020-01-01 00:00:05.000, got %q", s)
}
