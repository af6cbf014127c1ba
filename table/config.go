package table

import (
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spry-engine/spry/connector"
)

// Configuration keys Spry understands, named as in Flink so that SET
// statements from Flink scripts work unchanged.
const (
	KeyRuntimeMode      = "execution.runtime-mode"
	KeyParallelism      = "parallelism.default"
	KeyLocalTimeZone    = "table.local-time-zone"
	KeyAggPhaseStrategy = "table.optimizer.agg-phase-strategy"
	KeyMiniBatchEnabled = "table.exec.mini-batch.enabled"
	KeyMiniBatchSize    = "table.exec.mini-batch.size"
	KeyMiniBatchLatency = "table.exec.mini-batch.allow-latency"
	KeyDMLSync          = "table.dml-sync"
	KeyPipelineName     = "pipeline.name"
	KeyResultMode       = "sql-client.execution.result-mode"
	KeyMaxParallelism   = "pipeline.max-parallelism"
	KeyBatchSize        = "table.exec.batch-size"
	KeyResourceParallel = "table.exec.resource.default-parallelism"
	KeyStateTTL         = "table.exec.state.ttl"
	KeyDistinctSplit    = "table.optimizer.distinct-agg.split.enabled"
	KeyDistinctBuckets  = "table.optimizer.distinct-agg.split.bucket-num"
)

// ConfigError reports a SET of a known key to a value it cannot take.
type ConfigError struct {
	Key, Value, Msg string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("Could not parse value '%s' for key '%s'. %s", e.Value, e.Key, e.Msg)
}

// option describes a known key: its default and a check of its values.
type option struct {
	def   func() string
	check func(v string) error
}

func enumCheck(vals ...string) func(string) error {
	return func(v string) error {
		for _, e := range vals {
			if strings.EqualFold(v, e) {
				return nil
			}
		}
		return fmt.Errorf("Expected one of [%s]", strings.Join(vals, ", "))
	}
}

func boolCheck(v string) error {
	if _, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(v))); err != nil {
		return fmt.Errorf("Expected true or false")
	}
	return nil
}

func intCheck(min int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("Expected an integer")
		}
		if n < min {
			return fmt.Errorf("Expected an integer of at least %d", min)
		}
		return nil
	}
}

func durationCheck(v string) error {
	_, err := connector.ParseDuration(v)
	return err
}

func zoneCheck(v string) error {
	if _, err := loadZone(v); err != nil {
		return fmt.Errorf("Invalid time zone: %v", err)
	}
	return nil
}

func constDef(s string) func() string { return func() string { return s } }

// knownOptions are the keys whose values are checked on SET; any other key
// is stored as given, as Flink does.
var knownOptions = map[string]option{
	KeyRuntimeMode:      {constDef("streaming"), enumCheck("streaming", "batch", "automatic")},
	KeyParallelism:      {func() string { return strconv.Itoa(runtime.NumCPU()) }, intCheck(1)},
	KeyLocalTimeZone:    {constDef("default"), zoneCheck},
	KeyAggPhaseStrategy: {constDef("AUTO"), enumCheck("AUTO", "ONE_PHASE", "TWO_PHASE")},
	KeyMiniBatchEnabled: {constDef("false"), boolCheck},
	KeyMiniBatchSize:    {constDef("-1"), intCheck(-1)},
	KeyMiniBatchLatency: {constDef("0 ms"), durationCheck},
	KeyDMLSync:          {constDef("false"), boolCheck},
	KeyPipelineName:     {nil, nil},
	KeyResultMode:       {constDef("tableau"), enumCheck("table", "tableau", "changelog")},
	KeyMaxParallelism:   {constDef("128"), intCheck(1)},
	KeyBatchSize:        {constDef("1024"), intCheck(1)},
	KeyResourceParallel: {constDef("-1"), intCheck(-1)},
}

// Config is a session's key/value configuration; it backs SET and RESET.
// Keys set explicitly are reported by All; known keys fall back to their
// defaults in Get. It is safe for concurrent use.
type Config struct {
	mu   sync.RWMutex
	vals map[string]string
	// initial holds the values given at creation, which RESET returns to.
	initial map[string]string
}

func newConfig(initial map[string]string) (*Config, error) {
	c := &Config{vals: map[string]string{}, initial: map[string]string{}}
	for k, v := range initial {
		if err := checkOption(k, v); err != nil {
			return nil, err
		}
		c.vals[k] = v
		c.initial[k] = v
	}
	return c, nil
}

func checkOption(key, value string) error {
	if o, ok := knownOptions[key]; ok && o.check != nil {
		if err := o.check(value); err != nil {
			return &ConfigError{Key: key, Value: value, Msg: err.Error()}
		}
	}
	return nil
}

// Get returns the value of key: the value set, else the default of a known
// key. ok is false for an unknown key never set.
func (c *Config) Get(key string) (string, bool) {
	c.mu.RLock()
	v, ok := c.vals[key]
	c.mu.RUnlock()
	if ok {
		return v, true
	}
	if o, known := knownOptions[key]; known && o.def != nil {
		return o.def(), true
	}
	return "", false
}

// Set stores a value. A bad value of a known key is a *ConfigError; any
// other key is accepted, as Flink's SET accepts any key.
func (c *Config) Set(key, value string) error {
	if key == "" {
		return &ConfigError{Key: key, Value: value, Msg: "The key must not be empty."}
	}
	if err := checkOption(key, value); err != nil {
		return err
	}
	c.mu.Lock()
	c.vals[key] = value
	c.mu.Unlock()
	return nil
}

// Reset restores key to its initial value (the one given in Settings, else
// the default). An empty key resets every key.
func (c *Config) Reset(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if key == "" {
		c.vals = map[string]string{}
		for k, v := range c.initial {
			c.vals[k] = v
		}
		return
	}
	if v, ok := c.initial[key]; ok {
		c.vals[key] = v
	} else {
		delete(c.vals, key)
	}
}

// All returns a copy of the keys set explicitly (including those given in
// Settings).
func (c *Config) All() map[string]string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make(map[string]string, len(c.vals))
	for k, v := range c.vals {
		out[k] = v
	}
	return out
}

// Keys returns the explicitly set keys, sorted, for SET listings.
func (c *Config) Keys() []string {
	all := c.All()
	out := make([]string, 0, len(all))
	for k := range all {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// String returns the value of key or its default ("" if none).
func (c *Config) String(key string) string {
	v, _ := c.Get(key)
	return v
}

// Bool returns key as a boolean (false when unset or unparsable).
func (c *Config) Bool(key string) bool {
	b, _ := strconv.ParseBool(strings.ToLower(strings.TrimSpace(c.String(key))))
	return b
}

// Int returns key as an integer, or def when unset or unparsable.
func (c *Config) Int(key string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(c.String(key)))
	if err != nil {
		return def
	}
	return n
}

// IsBatch reports whether execution.runtime-mode is batch.
func (c *Config) IsBatch() bool {
	return strings.EqualFold(c.String(KeyRuntimeMode), "batch")
}

// Location returns table.local-time-zone as a location: "default" is the
// machine's zone (Flink uses the JVM's), "UTC" and IANA names are accepted.
func (c *Config) Location() *time.Location {
	loc, err := loadZone(c.String(KeyLocalTimeZone))
	if err != nil {
		return time.UTC
	}
	return loc
}

func loadZone(v string) (*time.Location, error) {
	switch strings.TrimSpace(v) {
	case "", "default":
		return time.Local, nil
	case "UTC", "Z", "GMT":
		return time.UTC, nil
	}
	return time.LoadLocation(v)
}
