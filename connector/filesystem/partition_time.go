package filesystem

import (
	"fmt"
	"strings"
	"time"
)

// timeExtractor is Flink's 'default' partition time extractor: it builds
// a timestamp string from partition values with 'timestamp-pattern'
// ($name is the value of partition column name; by default the first
// partition value) and parses it with 'timestamp-formatter'.
type timeExtractor struct {
	keys    []string
	pattern string
	layouts []string // Go layouts tried in order
}

func newTimeExtractor(keys []string, pattern, formatter string) (*timeExtractor, error) {
	e := &timeExtractor{keys: keys, pattern: pattern}
	if formatter == defaultTSFormatter {
		// Flink's default formatter is lenient: a date alone is midnight,
		// fractions of a second are optional.
		e.layouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02", "2006-01-02T15:04:05.999999999"}
	} else {
		l, err := javaLayout(formatter)
		if err != nil {
			return nil, err
		}
		e.layouts = []string{l}
	}
	return e, nil
}

// extract returns the partition's time as µs since the epoch, its wall
// time read in loc.
func (e *timeExtractor) extract(values []string, loc *time.Location) (int64, error) {
	s := ""
	if e.pattern == "" {
		if len(values) > 0 {
			s = values[0]
		}
	} else {
		s = e.pattern
		// Longer names first, so $dt does not eat the prefix of $dtime.
		for _, i := range byLength(e.keys) {
			s = strings.ReplaceAll(s, "$"+e.keys[i], values[i])
		}
	}
	for _, l := range e.layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UnixMicro(), nil
		}
	}
	return 0, fmt.Errorf("could not extract a partition time from '%s' (built by '%s' = '%s')", s, OptExtractorPattern, e.pattern)
}

func byLength(keys []string) []int {
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && len(keys[idx[j]]) > len(keys[idx[j-1]]); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}

// javaLayout converts the common letters of a Java DateTimeFormatter
// pattern (yyyy MM dd HH mm ss SSS, quoted literals) to a Go layout.
func javaLayout(p string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(p); {
		c := p[i]
		j := i
		for j < len(p) && p[j] == c {
			j++
		}
		n := j - i
		switch {
		case c == '\'':
			end := strings.IndexByte(p[i+1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("unterminated quote in timestamp formatter '%s'", p)
			}
			b.WriteString(p[i+1 : i+1+end])
			i += end + 2
			continue
		case c == 'y' || c == 'u':
			if n == 2 {
				b.WriteString("06")
			} else {
				b.WriteString("2006")
			}
		case c == 'M' && n <= 2:
			b.WriteString([]string{"1", "01"}[n-1])
		case c == 'd' && n <= 2:
			b.WriteString([]string{"2", "02"}[n-1])
		case c == 'H' && n <= 2:
			b.WriteString("15")
		case c == 'm' && n <= 2:
			b.WriteString([]string{"4", "04"}[n-1])
		case c == 's' && n <= 2:
			b.WriteString([]string{"5", "05"}[n-1])
		case c == 'S' && n <= 9:
			b.WriteString(strings.Repeat("0", n))
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			return "", fmt.Errorf("unsupported letter '%c' in timestamp formatter '%s' (supported: y M d H m s S)", c, p)
		default:
			b.WriteString(p[i:j])
		}
		i = j
	}
	return b.String(), nil
}
