package table

import (
	"strings"

	"github.com/spry-engine/spry/runtime"
)

// checkpointing reports whether the session enables periodic checkpoints
// (execution.checkpointing.interval set above zero), which also selects
// Flink's default restart strategy.
func (c *Config) checkpointing() bool {
	v, ok := c.Get(KeyCheckpointInterval)
	if !ok || strings.TrimSpace(v) == "" {
		return false
	}
	d, err := c.duration(KeyCheckpointInterval)
	return err == nil && d > 0
}

// applyFaultTolerance fills the checkpoint, restore and state backend
// fields of o from the session configuration; jobID names the job's
// checkpoint directory.
func (c *Config) applyFaultTolerance(o *runtime.Options, jobID string) error {
	// Batch jobs are not checkpointed, as in Flink: a failed batch job
	// runs again from the start.
	if c.checkpointing() && !c.IsBatch() {
		cc := &runtime.CheckpointConfig{JobID: jobID}
		var err error
		if cc.Interval, err = c.duration(KeyCheckpointInterval); err != nil {
			return err
		}
		if cc.Timeout, err = c.duration(KeyCheckpointTimeout); err != nil {
			return err
		}
		if cc.MinPause, err = c.duration(KeyCheckpointMinPause); err != nil {
			return err
		}
		if strings.EqualFold(strings.TrimSpace(c.String(KeyCheckpointMode)), "AT_LEAST_ONCE") {
			cc.Mode = runtime.AtLeastOnce
		}
		cc.MaxConcurrent = c.Int(KeyCheckpointMaxConcurrent, runtime.DefaultMaxConcurrent)
		cc.Dir = strings.TrimSpace(c.firstSet(KeyCheckpointDir, KeyCheckpointsDir))
		cc.Retained = max(1, c.Int(firstSetKey(c, KeyCheckpointRetained, KeyCheckpointsNumRetained), runtime.DefaultRetained))
		o.Checkpoint = cc
	}
	o.RestoreFrom = strings.TrimSpace(c.String(KeySavepointPath))
	o.AllowNonRestoredState = c.Bool(KeySavepointIgnoreUnclaim)
	o.StateBackend = strings.ToLower(strings.TrimSpace(c.firstSet(KeyStateBackendType, KeyStateBackend)))
	if err := backendCheck(o.StateBackend); err != nil {
		return &ConfigError{Key: KeyStateBackendType, Value: o.StateBackend, Msg: err.Error()}
	}
	return nil
}

// firstSetKey returns the first of keys set explicitly, else the first.
func firstSetKey(c *Config, keys ...string) string {
	all := c.All()
	for _, k := range keys {
		if _, ok := all[k]; ok {
			return k
		}
	}
	return keys[0]
}

// savepointDir is the target of a savepoint without an explicit one:
// state.savepoints.dir, which must be set.
func (c *Config) savepointDir(explicit string) (string, error) {
	if d := strings.TrimSpace(explicit); d != "" {
		return d, nil
	}
	if d := strings.TrimSpace(c.String(KeySavepointsDir)); d != "" {
		return d, nil
	}
	return "", &NoSavepointDirError{}
}

// NoSavepointDirError is returned by a savepoint without a target
// directory when state.savepoints.dir is not set either.
type NoSavepointDirError struct{}

func (*NoSavepointDirError) Error() string {
	return "No savepoint directory is configured. Set '" + KeySavepointsDir + "' (e.g. SET '" + KeySavepointsDir +
		"' = 'file:///tmp/savepoints') or give a target directory."
}
