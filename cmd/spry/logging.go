package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Job logs (checkpoints completed or failed, restarts, subtask failures)
// go to a log file, as Flink's client and cluster logs do, or to the
// error stream when a level is asked for: the terminal stays for
// results. --log-file and --log-level, or SPRY_LOG_FILE and
// SPRY_LOG_LEVEL for commands that take no such flags (`spry run`).

// logSettings are the flags choosing where job logs go.
type logSettings struct {
	file  string // "" = the error stream
	level string // debug, info, warn, error; "" = info with a file, warn without
}

// fromEnv fills what the flags left unset from SPRY_LOG_FILE and
// SPRY_LOG_LEVEL.
func (s logSettings) fromEnv() logSettings {
	if s.file == "" {
		s.file = os.Getenv("SPRY_LOG_FILE")
	}
	if s.level == "" {
		s.level = os.Getenv("SPRY_LOG_LEVEL")
	}
	return s
}

// open makes the logger; the returned function closes the log file.
func (s logSettings) open(stderr io.Writer) (*slog.Logger, func(), error) {
	s = s.fromEnv()
	level := slog.LevelWarn
	if s.file != "" {
		level = slog.LevelInfo
	}
	if s.level != "" {
		if err := level.UnmarshalText([]byte(strings.ToUpper(s.level))); err != nil {
			return nil, nil, fmt.Errorf("log level %q: want debug, info, warn or error", s.level)
		}
	}
	w, closeFn := stderr, func() {}
	if s.file != "" {
		f, err := os.OpenFile(s.file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("log file: %w", err)
		}
		w, closeFn = f, func() { _ = f.Close() }
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), closeFn, nil
}
