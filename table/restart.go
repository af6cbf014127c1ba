package table

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// RestartStrategy decides, after each failure of a job, whether the job
// runs again and how long to wait first. It is Flink's
// RestartBackoffTimeStrategy: one instance lives as long as the job (it
// counts failures), and it is called from one goroutine.
type RestartStrategy interface {
	// NotifyFailure records a failure at now and returns whether the job
	// may restart and the delay before it does.
	NotifyFailure(now time.Time) (delay time.Duration, restart bool)
	// String describes the strategy and its settings for logs.
	String() string
}

// NoRestart never restarts: the job fails with its first error.
type NoRestart struct{}

// NotifyFailure always refuses.
func (NoRestart) NotifyFailure(time.Time) (time.Duration, bool) { return 0, false }

func (NoRestart) String() string { return "NoRestartBackoffTimeStrategy" }

// FixedDelay restarts up to Attempts times, waiting Delay before each.
type FixedDelay struct {
	Attempts int
	Delay    time.Duration
	failures int
}

// NotifyFailure counts the failure against Attempts.
func (s *FixedDelay) NotifyFailure(time.Time) (time.Duration, bool) {
	s.failures++
	return s.Delay, s.failures <= s.Attempts
}

func (s *FixedDelay) String() string {
	return fmt.Sprintf("FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=%d, backoffTimeMS=%d)", s.Attempts, s.Delay.Milliseconds())
}

// FailureRate restarts unless more than MaxFailures failures fell within
// Interval, waiting Delay before each restart.
type FailureRate struct {
	MaxFailures int
	Interval    time.Duration
	Delay       time.Duration
	// failures holds the times of the last MaxFailures+1 failures.
	failures []time.Time
}

// NotifyFailure records the failure and checks the rate over the window.
func (s *FailureRate) NotifyFailure(now time.Time) (time.Duration, bool) {
	if len(s.failures) > s.MaxFailures {
		s.failures = s.failures[1:]
	}
	s.failures = append(s.failures, now)
	if len(s.failures) <= s.MaxFailures {
		return s.Delay, true
	}
	return s.Delay, now.Sub(s.failures[0]) > s.Interval
}

func (s *FailureRate) String() string {
	return fmt.Sprintf("FailureRateRestartBackoffTimeStrategy(failuresIntervalMS=%d, backoffTimeMS=%d, maxFailuresPerInterval=%d)",
		s.Interval.Milliseconds(), s.Delay.Milliseconds(), s.MaxFailures)
}

// ExponentialDelay waits InitialBackoff before the first restart and
// multiplies the wait by Multiplier after each further failure, up to
// MaxBackoff. A job that ran ResetThreshold (plus the current backoff)
// without failing starts again from InitialBackoff and a fresh attempt
// count; AttemptsBeforeReset failures in a row without such a reset fail
// the job. Jitter adds or subtracts up to that fraction of the backoff so
// that many jobs failing together do not restart in lockstep.
type ExponentialDelay struct {
	InitialBackoff      time.Duration
	MaxBackoff          time.Duration
	Multiplier          float64
	ResetThreshold      time.Duration
	Jitter              float64
	AttemptsBeforeReset int
	// Rand returns a number in [0, 1) for the jitter; nil uses math/rand.
	Rand func() float64

	current     time.Duration
	attempts    int
	lastFailure time.Time
}

// NotifyFailure grows (or resets) the backoff and counts the attempt.
func (s *ExponentialDelay) NotifyFailure(now time.Time) (time.Duration, bool) {
	if s.lastFailure.IsZero() || now.Sub(s.lastFailure) >= s.ResetThreshold+s.current {
		s.current, s.attempts = s.InitialBackoff, 0
	} else if s.current < s.MaxBackoff {
		s.current = time.Duration(float64(s.current) * s.Multiplier)
		s.current = max(s.InitialBackoff, min(s.current, s.MaxBackoff))
	}
	s.lastFailure = now
	s.attempts++
	d := s.current
	if s.Jitter > 0 {
		r := rand.Float64
		if s.Rand != nil {
			r = s.Rand
		}
		off := float64(s.current) * s.Jitter
		d += time.Duration((2*r() - 1) * off)
	}
	return min(max(d, 0), s.MaxBackoff), s.attempts <= s.AttemptsBeforeReset
}

func (s *ExponentialDelay) String() string {
	return fmt.Sprintf("ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=%d, maxBackoffMS=%d, backoffMultiplier=%g, resetBackoffThresholdMS=%d, jitterFactor=%g, attemptsBeforeResetBackoff=%d)",
		s.InitialBackoff.Milliseconds(), s.MaxBackoff.Milliseconds(), s.Multiplier, s.ResetThreshold.Milliseconds(), s.Jitter, s.AttemptsBeforeReset)
}

// restartStrategy builds the session's restart strategy for a new job.
// Without restart-strategy.type it is Flink's default: none without
// checkpointing, exponential-delay (with its defaults) with it.
func (c *Config) restartStrategy(checkpointing bool) (RestartStrategy, error) {
	kind := c.firstSet(KeyRestartStrategy, keyRestartStrategyLegacyAlias)
	if kind == "" {
		if !checkpointing {
			return NoRestart{}, nil
		}
		kind = "exponential-delay"
	}
	canon, ok := restartKinds[strings.ToLower(strings.TrimSpace(kind))]
	if !ok {
		return nil, &ConfigError{Key: KeyRestartStrategy, Value: kind, Msg: restartKindCheck(kind).Error()}
	}
	var err error
	dur := func(key string) time.Duration {
		d, e := c.duration(key)
		if e != nil && err == nil {
			err = e
		}
		return d
	}
	num := func(key string) float64 {
		f, e := c.float(key)
		if e != nil && err == nil {
			err = e
		}
		return f
	}
	var s RestartStrategy
	switch canon {
	case "none":
		s = NoRestart{}
	case "fixed-delay":
		s = &FixedDelay{Attempts: c.Int(KeyFixedDelayAttempts, 1), Delay: dur(KeyFixedDelayDelay)}
	case "failure-rate":
		s = &FailureRate{MaxFailures: c.Int(KeyFailureRateMaxFailures, 1), Interval: dur(KeyFailureRateInterval), Delay: dur(KeyFailureRateDelay)}
	case "exponential-delay":
		e := &ExponentialDelay{
			InitialBackoff: dur(KeyExpDelayInitialBackoff), MaxBackoff: dur(KeyExpDelayMaxBackoff),
			Multiplier: num(KeyExpDelayMultiplier), ResetThreshold: dur(KeyExpDelayResetThreshold),
			Jitter: num(KeyExpDelayJitter), AttemptsBeforeReset: c.Int(KeyExpDelayAttempts, maxInt32),
		}
		if err == nil && e.InitialBackoff > e.MaxBackoff {
			err = &ConfigError{Key: KeyExpDelayInitialBackoff, Value: c.String(KeyExpDelayInitialBackoff),
				Msg: fmt.Sprintf("Initial backoff cannot be higher than %s (%s).", KeyExpDelayMaxBackoff, c.String(KeyExpDelayMaxBackoff))}
		}
		s = e
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}
