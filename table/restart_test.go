package table

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// step is one failure at an offset from the start and the expected answer.
type step struct {
	at      time.Duration
	delay   time.Duration
	restart bool
}

func runSteps(t *testing.T, name string, s RestartStrategy, steps []step) {
	t.Helper()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, st := range steps {
		d, ok := s.NotifyFailure(t0.Add(st.at))
		if d != st.delay || ok != st.restart {
			t.Errorf("%s: failure %d at %v: got (%v, %v), want (%v, %v)", name, i+1, st.at, d, ok, st.delay, st.restart)
		}
	}
}

func TestRestartPolicies(t *testing.T) {
	s, m := time.Second, time.Minute
	cases := []struct {
		name  string
		s     RestartStrategy
		steps []step
	}{
		{"none", NoRestart{}, []step{{0, 0, false}}},
		{"fixed-delay 2", &FixedDelay{Attempts: 2, Delay: 3 * s}, []step{{0, 3 * s, true}, {s, 3 * s, true}, {2 * s, 3 * s, false}}},
		{"fixed-delay 0", &FixedDelay{Attempts: 0, Delay: s}, []step{{0, s, false}}},
		// Two restarts allowed per minute: a third failure within the
		// window of the oldest kept one fails, one after it passes.
		{"failure-rate", &FailureRate{MaxFailures: 2, Interval: m, Delay: s}, []step{
			{0, s, true}, {10 * s, s, true}, {20 * s, s, false},
		}},
		{"failure-rate window slides", &FailureRate{MaxFailures: 2, Interval: m, Delay: s}, []step{
			{0, s, true}, {10 * s, s, true}, {61 * s, s, true}, {75 * s, s, true}, {80 * s, s, false},
		}},
		{"failure-rate 1", &FailureRate{MaxFailures: 1, Interval: m, Delay: 0}, []step{
			{0, 0, true}, {2 * m, 0, true}, {2*m + s, 0, false},
		}},
		{"exponential", &ExponentialDelay{InitialBackoff: s, MaxBackoff: 10 * s, Multiplier: 2, ResetThreshold: m, AttemptsBeforeReset: 100}, []step{
			{0, s, true}, {2 * s, 2 * s, true}, {5 * s, 4 * s, true}, {10 * s, 8 * s, true}, {19 * s, 10 * s, true}, {30 * s, 10 * s, true},
			// Ran longer than threshold + backoff without failing: reset.
			{30*s + m + 10*s, s, true},
		}},
		{"exponential attempts", &ExponentialDelay{InitialBackoff: s, MaxBackoff: 10 * s, Multiplier: 2, ResetThreshold: m, AttemptsBeforeReset: 2}, []step{
			{0, s, true}, {2 * s, 2 * s, true}, {5 * s, 4 * s, false},
			// The reset restores the attempt count too.
			{5*s + 2*m, s, true},
		}},
		{"exponential jitter", &ExponentialDelay{InitialBackoff: 10 * s, MaxBackoff: m, Multiplier: 1.5, ResetThreshold: m, Jitter: 0.1, AttemptsBeforeReset: 9, Rand: func() float64 { return 1 }}, []step{
			{0, 11 * s, true}, {s, 16500 * time.Millisecond, true},
		}},
	}
	for _, c := range cases {
		runSteps(t, c.name, c.s, c.steps)
	}
}

func TestRestartStrategyFromConfig(t *testing.T) {
	cases := []struct {
		cfg           map[string]string
		checkpointing bool
		want          string // prefix of String()
		err           string
	}{
		{nil, false, "NoRestart", ""},
		{nil, true, "ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=1000, maxBackoffMS=60000, backoffMultiplier=1.5, resetBackoffThresholdMS=3600000, jitterFactor=0.1, attemptsBeforeResetBackoff=2147483647)", ""},
		{map[string]string{KeyRestartStrategy: "fixed-delay"}, false, "FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=1, backoffTimeMS=1000)", ""},
		{map[string]string{KeyRestartStrategy: "fixeddelay", KeyFixedDelayAttempts: "3", KeyFixedDelayDelay: "10 s"}, true, "FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=3, backoffTimeMS=10000)", ""},
		{map[string]string{KeyRestartStrategy: "failure-rate", KeyFailureRateInterval: "5 min", KeyFailureRateMaxFailures: "3"}, false, "FailureRateRestartBackoffTimeStrategy(failuresIntervalMS=300000, backoffTimeMS=1000, maxFailuresPerInterval=3)", ""},
		{map[string]string{KeyRestartStrategy: "off"}, true, "NoRestart", ""},
		{map[string]string{keyRestartStrategyLegacyAlias: "fixed-delay"}, false, "FixedDelay", ""},
		{map[string]string{KeyRestartStrategy: "exponential-delay", KeyExpDelayInitialBackoff: "2 min"}, false, "", "Initial backoff cannot be higher"},
	}
	for _, c := range cases {
		cfg, err := newConfig(c.cfg)
		if err != nil {
			t.Fatalf("%v: %v", c.cfg, err)
		}
		s, err := cfg.restartStrategy(c.checkpointing)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want %q", c.cfg, err, c.err)
			}
			continue
		}
		if err != nil || !strings.HasPrefix(s.String(), c.want) {
			t.Errorf("%v: got %v (%v), want %s", c.cfg, s, err, c.want)
		}
	}
}

func TestFaultToleranceConfigChecks(t *testing.T) {
	cases := []struct{ key, value, err string }{
		{KeyRestartStrategy, "sometimes", "Expected one of [none, off, disable, fixed-delay, exponential-delay, failure-rate]"},
		{KeyStateBackend, "rocksdb", "disk-based backend is 'pebble'"},
		{KeyStateBackendType, "memory", "Expected one of [hashmap, pebble]"},
		{KeyCheckpointInterval, "soon", "Expected a duration"},
		{KeyCheckpointMode, "twice", "Expected one of [EXACTLY_ONCE, AT_LEAST_ONCE]"},
		{KeyCheckpointMaxConcurrent, "0", "at least 1"},
		{KeyExpDelayMultiplier, "1", "Expected a number in (1, ∞)"},
		{KeyExpDelayJitter, "2", "Expected a number in [0, 1]"},
		{KeyCheckpointInterval, "10 s", ""},
		{KeyCheckpointInterval, "1min", ""},
		{KeyCheckpointMode, "at_least_once", ""},
		{KeyStateBackend, "pebble", ""},
	}
	for _, c := range cases {
		cfg, _ := newConfig(nil)
		err := cfg.Set(c.key, c.value)
		if c.err == "" {
			if err != nil {
				t.Errorf("SET %s=%s: %v", c.key, c.value, err)
			}
			continue
		}
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), c.key) {
			t.Errorf("SET %s=%s: error %v, want %q naming the key", c.key, c.value, err, c.err)
		}
	}
}
