package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/table/printer"
	"github.com/spry-engine/spry/types"
)

// client runs statements against one environment and prints their results
// as Flink's SQL client does.
type client struct {
	env         *table.Environment
	out, errOut io.Writer
	// interactive clients leave unbounded INSERT jobs running and return.
	interactive bool
}

// runScript runs every statement of src in order and stops at the first
// error, as `sql-client.sh -f` does.
func (c *client) runScript(ctx context.Context, src string) error {
	var failed error
	err := c.env.ExecuteScript(ctx, src, func(stmt string, r *table.Result, err error) bool {
		if err == nil {
			err = c.show(ctx, stmt, r)
			c.warnMetrics(r)
		}
		if err != nil {
			c.printError(err)
			failed = err
			return false
		}
		return true
	})
	if err != nil && failed == nil {
		c.printError(err)
		failed = err
	}
	if failed != nil {
		return &exitError{1, nil}
	}
	return nil
}

// runOne runs one statement typed at the prompt.
func (c *client) runOne(ctx context.Context, stmt string) {
	r, err := c.env.ExecuteSQL(ctx, stmt)
	if err == nil {
		err = c.show(ctx, stmt, r)
		c.warnMetrics(r)
	}
	if err != nil {
		c.printError(err)
	}
}

func (c *client) printError(err error) {
	msg := err.Error()
	var se *table.SQLError
	if errors.As(err, &se) {
		msg = se.Pretty()
	}
	fmt.Fprintf(c.errOut, "[ERROR] Could not execute SQL statement. Reason:\n%s\n", strings.TrimRight(msg, "\n"))
}

// show prints a statement's result in the configured result mode.
func (c *client) show(ctx context.Context, stmt string, r *table.Result) error {
	switch r.Kind {
	case table.ResultOK:
		fmt.Fprintln(c.out, "[INFO] Execute statement succeed.")
		return nil
	case table.ResultJob:
		fmt.Fprintln(c.out, "[INFO] Submitting SQL update statement to the cluster...")
		if c.interactive && !r.Bounded {
			fmt.Fprintf(c.out, "[INFO] SQL update statement has been successfully submitted to the cluster:\nJob ID: %s\n", r.JobID)
			return nil
		}
		stop := startProgress(c.errOut, r)
		err := r.Wait()
		stop()
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "[INFO] Complete execution of the SQL update statement (job %s).\n", r.JobID)
		return nil
	}
	if isExplain(stmt) {
		return c.showText(ctx, r)
	}
	mode, _ := c.env.Config().Get("sql-client.execution.result-mode")
	loc := c.env.Config().Location()
	if r.Changelog && strings.EqualFold(mode, "changelog") {
		return c.stream(ctx, r, func(k types.RowKind, row []any) {
			fmt.Fprintln(c.out, printer.RowString(k, row, r.Schema, loc, "NULL"))
		}, func() {})
	}
	if r.Changelog && !strings.EqualFold(mode, "table") {
		p := printer.NewTableau(c.out, r.Schema, true, loc, 0)
		p.Begin()
		return c.stream(ctx, r, p.Row, p.End)
	}
	rows, err := r.Rows(ctx)
	if err != nil {
		return err
	}
	kinds := make([]types.RowKind, len(rows))
	vals := make([][]any, len(rows))
	for i, row := range rows {
		kinds[i], vals[i] = row.Kind, row.Values
	}
	if r.Changelog { // table mode: show the materialised result
		vals = printer.Materialize(kinds, vals, r.Schema)
		kinds = make([]types.RowKind, len(vals))
	}
	printer.NewTableau(c.out, r.Schema, false, loc, 0).PrintAll(kinds, vals)
	return nil
}

// stream prints rows as they arrive until the result ends or ctx is done.
func (c *client) stream(ctx context.Context, r *table.Result, row func(types.RowKind, []any), end func()) error {
	defer r.Cancel()
	for {
		b, err := r.Next(ctx)
		if err == io.EOF || (err != nil && ctx.Err() != nil) {
			end()
			return nil
		}
		if err != nil {
			end()
			return err
		}
		if b == nil {
			continue
		}
		for i := 0; i < b.Len(); i++ {
			row(b.Kind(i), b.Row(i))
		}
	}
}

// showText prints a one-column text result (EXPLAIN) as plain text.
func (c *client) showText(ctx context.Context, r *table.Result) error {
	rows, err := r.Rows(ctx)
	if err != nil {
		return err
	}
	for _, row := range rows {
		for _, v := range row.Values {
			fmt.Fprintln(c.out, v)
		}
	}
	return nil
}

// isExplain reports whether stmt is an EXPLAIN, whose one-column result
// is printed as plain text.
func isExplain(stmt string) bool {
	st, err := sql.ParseOne(stmt)
	_, ok := st.(*sql.Explain)
	return err == nil && ok
}
