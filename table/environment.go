package table

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/sql"
)

// Settings configure a new Environment. Zero values take Flink's defaults:
// streaming mode and a parallelism of the number of CPUs.
type Settings struct {
	// Batch selects execution.runtime-mode=batch.
	Batch bool
	// Parallelism sets parallelism.default when positive.
	Parallelism int
	// Config holds further initial configuration (any Flink key); it wins
	// over Batch and Parallelism.
	Config map[string]string
	// Clock, when set, is the processing time (µs since the epoch) of the
	// jobs the session starts instead of the wall clock: time-scripted
	// tests drive it.
	Clock func() int64
	// Logger receives the jobs' logs (checkpoints, restarts); nil keeps
	// job lifecycle logs quiet and sends restart warnings to
	// slog.Default().
	Logger *slog.Logger
}

// Environment is one SQL session: configuration, catalogs and functions.
// Its methods may be called from several goroutines (the catalog and the
// configuration are safe for concurrent use); statements that change the
// session (USE, SET, DDL) take effect in the order they complete.
type Environment struct {
	cfg     *Config
	cat     *catalog.Manager
	initErr error
	clock   func() int64 // Settings.Clock
	// jobLogger is Settings.Logger; jobs lists the session's jobs.
	jobLogger *slog.Logger
	jobs      jobRegistry
}

// NewEnvironment makes a session with the given settings. A bad value in
// s.Config is reported by the first statement executed.
func NewEnvironment(s Settings) *Environment {
	initial := map[string]string{}
	if s.Batch {
		initial[KeyRuntimeMode] = "batch"
	}
	if s.Parallelism > 0 {
		initial[KeyParallelism] = strconv.Itoa(s.Parallelism)
	}
	for k, v := range s.Config {
		initial[k] = v
	}
	cfg, err := newConfig(initial)
	e := &Environment{cfg: cfg, initErr: err, cat: catalog.New(), clock: s.Clock, jobLogger: s.Logger}
	if cfg == nil {
		e.cfg, _ = newConfig(nil)
	}
	return e
}

// Config returns the session configuration backing SET and RESET.
func (e *Environment) Config() *Config { return e.cfg }

// Catalog returns the session's catalogs, for front ends that create
// tables and views without SQL.
func (e *Environment) Catalog() *catalog.Manager { return e.cat }

// ErrMultipleStatements is returned by ExecuteSQL and Explain when given
// more (or fewer) than one statement.
var ErrMultipleStatements = errors.New("exactly one statement is expected; use ExecuteScript for several")

// ExecuteSQL runs exactly one statement (a trailing ';' is allowed). A
// query or INSERT starts a job that outlives ctx: read it with
// Result.Next, await it with Result.Wait and stop it with Result.Cancel.
//
// A panic while the statement is parsed, planned or started (a bug) is
// returned as an *InternalError naming the statement.
func (e *Environment) ExecuteSQL(ctx context.Context, statement string) (_ *Result, err error) {
	defer recoverStatement(statement, &err)
	if e.initErr != nil {
		return nil, e.initErr
	}
	st, err := sql.ParseOne(statement)
	if err != nil {
		return nil, wrapError(statement, statement, err)
	}
	r, err := e.execute(ctx, st, stmtText(statement, st))
	return r, wrapError(statement, statement, err)
}

// ExecuteScript runs the statements of script in order, calling each with
// every statement's text and outcome; each returns false to stop. A script
// that does not parse returns the parse error before running anything.
func (e *Environment) ExecuteScript(ctx context.Context, script string, each func(stmt string, r *Result, err error) bool) error {
	if e.initErr != nil {
		return e.initErr
	}
	stmts, err := parseScript(script)
	if err != nil {
		return wrapError(script, script, err)
	}
	texts := splitTexts(script, stmts)
	for i, st := range stmts {
		r, err := e.safeExecute(ctx, st, texts[i])
		err = wrapError(script, texts[i], err)
		if each != nil && !each(texts[i], r, err) {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// parseScript is sql.Parse with a panic turned into an *InternalError.
// Only the parse is guarded in ExecuteScript: a panic in the caller's
// callback is the caller's and propagates.
func parseScript(script string) (_ []sql.Stmt, err error) {
	defer recoverStatement(script, &err)
	return sql.Parse(script)
}

// safeExecute is execute with a panic turned into an *InternalError, so
// that one statement of a script cannot take the others down with it.
func (e *Environment) safeExecute(ctx context.Context, st sql.Stmt, text string) (_ *Result, err error) {
	defer recoverStatement(text, &err)
	return e.execute(ctx, st, text)
}

// Explain returns the plan of one statement as EXPLAIN prints it.
func (e *Environment) Explain(ctx context.Context, statement string) (_ string, err error) {
	defer recoverStatement(statement, &err)
	if e.initErr != nil {
		return "", e.initErr
	}
	st, err := sql.ParseOne(statement)
	if err != nil {
		return "", wrapError(statement, statement, err)
	}
	var details []string
	if ex, ok := st.(*sql.Explain); ok {
		st, details = ex.Stmt, ex.Details
	}
	out, err := e.explain(ctx, st, statement, details)
	return out, wrapError(statement, statement, err)
}

// SQLError is the error of a statement that failed to parse, plan or
// start: Err is the underlying error (*sql.Error, *plan.Error,
// *physical.Error, a catalog or connector error, ...); Error returns its
// message unchanged, Pretty adds the offending line and a caret.
type SQLError struct {
	// Statement is the failing statement's text.
	Statement string
	// Source is the text positions in Err refer to: the statement for
	// ExecuteSQL, the whole script for ExecuteScript.
	Source string
	Err    error
}

func (e *SQLError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *SQLError) Unwrap() error { return e.Err }

// Pretty prints the error with the source line it points into and a caret
// under the column, when the error carries a position.
func (e *SQLError) Pretty() string {
	if p, ok := e.Err.(interface{ Pretty(src string) string }); ok {
		return p.Pretty(e.Source)
	}
	return e.Err.Error()
}

// wrapError makes err an *SQLError (unless it is nil or one already).
func wrapError(src, stmt string, err error) error {
	if err == nil {
		return nil
	}
	var se *SQLError
	if errors.As(err, &se) {
		return err
	}
	return &SQLError{Statement: stmt, Source: src, Err: err}
}

// stmtText returns the statement's source from its first token on, so
// that offsets in the syntax tree index it after subtracting the
// statement's own offset.
func stmtText(src string, st sql.Stmt) string {
	off := st.Position().Offset
	if off < 0 || off > len(src) {
		off = 0
	}
	return strings.TrimRight(src[off:], " \t\r\n")
}

// splitTexts recovers each statement's source text from the script, using
// the statements' start offsets.
func splitTexts(script string, stmts []sql.Stmt) []string {
	out := make([]string, len(stmts))
	for i, st := range stmts {
		start := st.Position().Offset
		end := len(script)
		if i+1 < len(stmts) {
			end = stmts[i+1].Position().Offset
		}
		if start < 0 || start > end || end > len(script) {
			out[i] = ""
			continue
		}
		t := strings.TrimSpace(script[start:end])
		t = strings.TrimSpace(strings.TrimSuffix(t, ";"))
		out[i] = t
	}
	return out
}
