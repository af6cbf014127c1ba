package connector

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spry-engine/spry/internal/suggest"
)

// OptionType is the kind of value an option takes.
type OptionType string

// Option value types.
const (
	TypeString   OptionType = "String"
	TypeInt      OptionType = "Integer"
	TypeBool     OptionType = "Boolean"
	TypeDuration OptionType = "Duration"
	TypeEnum     OptionType = "Enum"
	TypeMemory   OptionType = "MemorySize"
)

// Option is one WITH key a connector or format accepts.
type Option struct {
	Key         string
	Type        OptionType
	Default     string // "" means no default
	Required    bool
	Enum        []string // allowed values for TypeEnum
	Description string
	// Pattern marks a key family: "fields.#.kind" matches fields.<name>.kind,
	// "properties.*" matches any key with that prefix.
	Pattern bool
}

// Matches reports whether key is accepted by o.
func (o Option) Matches(key string) bool {
	if !o.Pattern {
		return o.Key == key
	}
	if p, ok := strings.CutSuffix(o.Key, "*"); ok {
		return strings.HasPrefix(key, p)
	}
	pre, post, ok := strings.Cut(o.Key, "#")
	return ok && len(key) > len(pre)+len(post) && strings.HasPrefix(key, pre) && strings.HasSuffix(key, post)
}

// ValidationError reports bad WITH options.
type ValidationError struct {
	Table string
	Msg   string
}

func (e *ValidationError) Error() string {
	if e.Table == "" {
		return e.Msg
	}
	return fmt.Sprintf("table %s: %s", e.Table, e.Msg)
}

// Validate checks opts against specs: every key must match an option, every
// required option must be present, and typed values must parse.
func Validate(table string, opts map[string]string, specs []Option) error {
	for key, val := range opts {
		var spec *Option
		for i := range specs {
			if specs[i].Matches(key) {
				spec = &specs[i]
				break
			}
		}
		if spec == nil {
			keys := make([]string, 0, len(specs))
			for _, s := range specs {
				keys = append(keys, s.Key)
			}
			sort.Strings(keys)
			hint := ""
			if c := closestKey(key, keys); c != "" {
				hint = fmt.Sprintf(" Did you mean '%s'?", c)
			}
			return &ValidationError{table, fmt.Sprintf("unsupported option '%s'.%s\n\nSupported options:\n\n%s", key, hint, strings.Join(keys, "\n"))}
		}
		if err := checkValue(*spec, val); err != nil {
			return &ValidationError{table, fmt.Sprintf("invalid value for option '%s': %v", key, err)}
		}
	}
	var missing []string
	for _, s := range specs {
		if s.Required && !s.Pattern {
			if _, ok := opts[s.Key]; !ok {
				missing = append(missing, s.Key)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return &ValidationError{table, fmt.Sprintf("one or more required options are missing.\n\nMissing required options are:\n\n%s", strings.Join(missing, "\n"))}
	}
	return nil
}

func checkValue(o Option, v string) error {
	switch o.Type {
	case TypeInt:
		if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			return fmt.Errorf("could not parse %q as an integer", v)
		}
	case TypeBool:
		if _, err := ParseBool(v); err != nil {
			return fmt.Errorf("could not parse %q as a boolean (true or false)", v)
		}
	case TypeDuration:
		if _, err := ParseDuration(v); err != nil {
			return err
		}
	case TypeEnum:
		for _, e := range o.Enum {
			if strings.EqualFold(e, v) {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(o.Enum, ", "))
	}
	return nil
}

// ParseBool parses a boolean option value as Validate accepts it
// (surrounding spaces and letter case ignored), so connectors and formats
// read a TypeBool option the way it was validated.
func ParseBool(v string) (bool, error) {
	return strconv.ParseBool(strings.ToLower(strings.TrimSpace(v)))
}

// ParseDuration parses Flink's duration syntax: "10 s", "500ms", "1 min",
// "2h", "1d", or a bare number of milliseconds.
func ParseDuration(v string) (time.Duration, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("could not parse %q as a duration (e.g. '10 s', '500 ms')", v)
	}
	n, _ := strconv.ParseInt(s[:i], 10, 64)
	unit := strings.TrimSpace(s[i:])
	mult := map[string]time.Duration{
		"": time.Millisecond, "ms": time.Millisecond, "milli": time.Millisecond, "millis": time.Millisecond,
		"millisecond": time.Millisecond, "milliseconds": time.Millisecond,
		"us": time.Microsecond, "micro": time.Microsecond, "micros": time.Microsecond, "ns": time.Nanosecond,
		"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
		"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
		"h": time.Hour, "hour": time.Hour, "hours": time.Hour,
		"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("could not parse %q as a duration: unknown unit %q", v, unit)
	}
	return time.Duration(n) * mult, nil
}

// closestKey returns the supported key nearest to key by edit distance, if
// it is near enough to be a likely typo.
func closestKey(key string, keys []string) string {
	best, bestD := "", len(key)/2+1
	for _, k := range keys {
		if d := suggest.Distance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}
