package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/spry-engine/spry/connector"
)

// The experimental emit options of legacy group windows, Flink's
// WindowEmitStrategy.
const (
	KeyEmitEarlyFireEnabled = "table.exec.emit.early-fire.enabled"
	KeyEmitEarlyFireDelay   = "table.exec.emit.early-fire.delay"
	KeyEmitLateFireEnabled  = "table.exec.emit.late-fire.enabled"
	KeyEmitLateFireDelay    = "table.exec.emit.late-fire.delay"
	KeyEmitAllowLateness    = "table.exec.emit.allow-lateness"
)

// EmitStrategy is how a group window emits results besides firing once
// when the watermark passes its end: early firings (partial results every
// EarlyDelay of processing time, 0 = on every change), late firings after
// the end, and how long window state is kept for late rows.
type EmitStrategy struct {
	EarlyFire     bool
	EarlyDelay    time.Duration
	LateFire      bool
	LateDelay     time.Duration
	AllowLateness time.Duration
	// earlyDelaySet and lateDelaySet tell an unset delay from 0.
	earlyDelaySet, lateDelaySet bool
}

// String prints the strategy as Flink's EXPLAIN does (emit=[...]):
// "early delay 1000 millisecond, late no delay"; empty without firings.
func (e EmitStrategy) String() string {
	var parts []string
	interval := func(d time.Duration) string {
		if d > 0 {
			return fmt.Sprintf("delay %d millisecond", d.Milliseconds())
		}
		return "no delay"
	}
	if e.EarlyFire {
		parts = append(parts, "early "+interval(e.EarlyDelay))
	}
	if e.LateFire {
		parts = append(parts, "late "+interval(e.LateDelay))
	}
	return strings.Join(parts, ", ")
}

// Check validates the strategy for a window as Flink does when it plans
// the window aggregate.
func (e EmitStrategy) Check(session, eventTime bool) error {
	if session && (e.EarlyFire || e.LateFire) {
		return fmt.Errorf("Session window doesn't support EMIT strategy currently.")
	}
	if eventTime && e.LateFire && e.AllowLateness <= 0 {
		return fmt.Errorf("The 'AFTER WATERMARK' emit strategy requires set '%s' in table config.", KeyEmitAllowLateness)
	}
	if e.EarlyFire && (!e.earlyDelaySet || e.EarlyDelay < 0) {
		return fmt.Errorf("Early-fire delay should not be null or negative value when enable early-fire emit strategy.")
	}
	if e.LateFire && (!e.lateDelaySet || e.LateDelay < 0) {
		return fmt.Errorf("Late-fire delay should not be null or negative value when enable late-fire emit strategy.")
	}
	return nil
}

// emitStrategyFromOptions reads the table.exec.emit.* options.
func emitStrategyFromOptions(opts map[string]string) (EmitStrategy, error) {
	var e EmitStrategy
	flag := func(key string) (bool, error) {
		v, ok := opts[key]
		if !ok {
			return false, nil
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, fmt.Errorf("invalid %s '%s': expected true or false", key, v)
	}
	dur := func(key string) (time.Duration, bool, error) {
		v, ok := opts[key]
		if !ok {
			return 0, false, nil
		}
		d, err := connector.ParseDuration(v)
		if err != nil {
			return 0, false, fmt.Errorf("invalid %s '%s': %v", key, v, err)
		}
		return d, true, nil
	}
	var err error
	if e.EarlyFire, err = flag(KeyEmitEarlyFireEnabled); err != nil {
		return e, err
	}
	if e.LateFire, err = flag(KeyEmitLateFireEnabled); err != nil {
		return e, err
	}
	if e.EarlyDelay, e.earlyDelaySet, err = dur(KeyEmitEarlyFireDelay); err != nil {
		return e, err
	}
	if e.LateDelay, e.lateDelaySet, err = dur(KeyEmitLateFireDelay); err != nil {
		return e, err
	}
	var set bool
	if e.AllowLateness, set, err = dur(KeyEmitAllowLateness); err != nil {
		return e, err
	}
	if !set {
		// As Flink: without allow-lateness, the minimum idle state
		// retention (table.exec.state.ttl) is the allowed lateness.
		if ttl, ok, err := dur("table.exec.state.ttl"); err == nil && ok {
			e.AllowLateness = ttl
		}
	}
	return e, nil
}
