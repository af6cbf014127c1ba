package table

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spry-engine/spry/connector"
)

// Fault-tolerance configuration keys, named as in Flink. Where Flink has
// renamed a key, both names are accepted and the first listed wins.
const (
	KeyCheckpointInterval      = "execution.checkpointing.interval"
	KeyCheckpointMode          = "execution.checkpointing.mode"
	KeyCheckpointTimeout       = "execution.checkpointing.timeout"
	KeyCheckpointMinPause      = "execution.checkpointing.min-pause"
	KeyCheckpointMaxConcurrent = "execution.checkpointing.max-concurrent-checkpoints"
	KeyCheckpointDir           = "execution.checkpointing.dir"
	KeyCheckpointsDir          = "state.checkpoints.dir"
	KeyCheckpointRetained      = "execution.checkpointing.num-retained"
	KeyCheckpointsNumRetained  = "state.checkpoints.num-retained"
	KeyStateBackendType        = "state.backend.type"
	KeyStateBackend            = "state.backend"
	KeySavepointPath           = "execution.savepoint.path"
	KeySavepointIgnoreUnclaim  = "execution.savepoint.ignore-unclaimed-state"
	KeySavepointsDir           = "state.savepoints.dir"

	KeyRestartStrategy            = "restart-strategy.type"
	KeyFixedDelayAttempts         = "restart-strategy.fixed-delay.attempts"
	KeyFixedDelayDelay            = "restart-strategy.fixed-delay.delay"
	KeyExpDelayInitialBackoff     = "restart-strategy.exponential-delay.initial-backoff"
	KeyExpDelayMaxBackoff         = "restart-strategy.exponential-delay.max-backoff"
	KeyExpDelayMultiplier         = "restart-strategy.exponential-delay.backoff-multiplier"
	KeyExpDelayResetThreshold     = "restart-strategy.exponential-delay.reset-backoff-threshold"
	KeyExpDelayJitter             = "restart-strategy.exponential-delay.jitter-factor"
	KeyExpDelayAttempts           = "restart-strategy.exponential-delay.attempts-before-reset-backoff"
	KeyFailureRateMaxFailures     = "restart-strategy.failure-rate.max-failures-per-interval"
	KeyFailureRateInterval        = "restart-strategy.failure-rate.failure-rate-interval"
	KeyFailureRateDelay           = "restart-strategy.failure-rate.delay"
	keyRestartStrategyLegacyAlias = "restart-strategy"
)

// restartKinds maps every spelling Flink accepts for restart-strategy.type
// to the strategy's canonical name.
var restartKinds = map[string]string{
	"none": "none", "off": "none", "disable": "none",
	"fixed-delay": "fixed-delay", "fixeddelay": "fixed-delay",
	"exponential-delay": "exponential-delay", "exponentialdelay": "exponential-delay",
	"failure-rate": "failure-rate", "failurerate": "failure-rate",
}

func restartKindCheck(v string) error {
	if _, ok := restartKinds[strings.ToLower(strings.TrimSpace(v))]; !ok {
		return fmt.Errorf("Expected one of [none, off, disable, fixed-delay, exponential-delay, failure-rate]")
	}
	return nil
}

// backendCheck accepts Spry's two state backends; Flink's rocksdb is named
// so that a Flink configuration fails with the way out in the message.
func backendCheck(v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "hashmap", "pebble":
		return nil
	case "rocksdb":
		return fmt.Errorf("Spry has no RocksDB state backend: its disk-based backend is 'pebble'. Expected one of [hashmap, pebble]")
	}
	return fmt.Errorf("Expected one of [hashmap, pebble]")
}

// minDurationCheck accepts a duration of at least min.
func minDurationCheck(min time.Duration) func(string) error {
	return func(v string) error {
		d, err := connector.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("Expected a duration such as '10 s', '500 ms' or '1 min'")
		}
		if d < min {
			return fmt.Errorf("Expected a duration of at least %v", min)
		}
		return nil
	}
}

func floatCheck(min, max float64, minExclusive bool) func(string) error {
	return func(v string) error {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < min || f > max || minExclusive && f == min {
			lo := "["
			if minExclusive {
				lo = "("
			}
			hi := fmt.Sprintf("%g]", max)
			if max > 1e300 {
				hi = "∞)"
			}
			return fmt.Errorf("Expected a number in %s%g, %s", lo, min, hi)
		}
		return nil
	}
}

func init() {
	dur := minDurationCheck(0)
	for k, o := range map[string]option{
		KeyCheckpointInterval:      {nil, dur},
		KeyCheckpointMode:          {constDef("EXACTLY_ONCE"), enumCheck("EXACTLY_ONCE", "AT_LEAST_ONCE")},
		KeyCheckpointTimeout:       {constDef("10 min"), minDurationCheck(time.Millisecond)},
		KeyCheckpointMinPause:      {constDef("0 ms"), dur},
		KeyCheckpointMaxConcurrent: {constDef("1"), intCheck(1)},
		KeyCheckpointDir:           {nil, nil},
		KeyCheckpointsDir:          {nil, nil},
		KeyCheckpointRetained:      {constDef("1"), intCheck(1)},
		KeyCheckpointsNumRetained:  {constDef("1"), intCheck(1)},
		KeyStateBackendType:        {constDef("hashmap"), backendCheck},
		KeyStateBackend:            {nil, backendCheck},
		KeySavepointPath:           {nil, nil},
		KeySavepointIgnoreUnclaim:  {constDef("false"), boolCheck},
		KeySavepointsDir:           {nil, nil},

		KeyRestartStrategy:            {nil, restartKindCheck},
		keyRestartStrategyLegacyAlias: {nil, restartKindCheck},
		KeyFixedDelayAttempts:         {constDef("1"), intCheck(0)},
		KeyFixedDelayDelay:            {constDef("1 s"), dur},
		KeyExpDelayInitialBackoff:     {constDef("1 s"), minDurationCheck(time.Millisecond)},
		KeyExpDelayMaxBackoff:         {constDef("1 min"), minDurationCheck(time.Millisecond)},
		KeyExpDelayMultiplier:         {constDef("1.5"), floatCheck(1, 1e308, true)},
		KeyExpDelayResetThreshold:     {constDef("1 h"), minDurationCheck(time.Millisecond)},
		KeyExpDelayJitter:             {constDef("0.1"), floatCheck(0, 1, false)},
		KeyExpDelayAttempts:           {constDef(strconv.Itoa(maxInt32)), intCheck(1)},
		KeyFailureRateMaxFailures:     {constDef("1"), intCheck(1)},
		KeyFailureRateInterval:        {constDef("1 min"), minDurationCheck(time.Millisecond)},
		KeyFailureRateDelay:           {constDef("1 s"), dur},
	} {
		knownOptions[k] = o
	}
}

// maxInt32 is Java's Integer.MAX_VALUE, Flink's "infinite" attempts.
const maxInt32 = 1<<31 - 1

// firstSet returns the value of the first of keys set explicitly, else
// the default of the first known key.
func (c *Config) firstSet(keys ...string) string {
	all := c.All()
	for _, k := range keys {
		if v, ok := all[k]; ok {
			return v
		}
	}
	return c.String(keys[0])
}

// duration returns key as a duration (its value is checked on SET; a
// value given in Settings is checked at creation too).
func (c *Config) duration(key string) (time.Duration, error) {
	v := c.String(key)
	d, err := connector.ParseDuration(v)
	if err != nil {
		return 0, &ConfigError{Key: key, Value: v, Msg: "Expected a duration such as '10 s', '500 ms' or '1 min'"}
	}
	return d, nil
}

// float returns key as a float64.
func (c *Config) float(key string) (float64, error) {
	v := c.String(key)
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0, &ConfigError{Key: key, Value: v, Msg: "Expected a number"}
	}
	return f, nil
}
