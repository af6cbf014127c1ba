package table

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestInsertResultHonoursContext checks that reading the result of an
// INSERT that never ends returns when the caller's context does.
func TestInsertResultHonoursContext(t *testing.T) {
	env := NewEnvironment(Settings{Parallelism: 1})
	for _, ddl := range []string{
		"CREATE TABLE src (x INT) WITH ('connector' = 'datagen', 'rows-per-second' = '10')",
		"CREATE TABLE snk (x INT) WITH ('connector' = 'blackhole')",
	} {
		mustExec(t, env, ddl)
	}
	r := mustExec(t, env, "INSERT INTO snk SELECT x FROM src")
	defer r.Cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := r.Rows(ctx)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want the context's deadline error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Rows ignored the context on an unbounded INSERT")
	}
}
