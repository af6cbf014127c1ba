// Command goapi shows Spry's Go API: a session (table.Environment), a Go
// function registered as a SQL function (Flink's register_java_function,
// for Go), and a query whose rows are read and printed as the SQL client
// prints them.
//
//	go run ./examples/goapi
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/table/printer"
	"github.com/spry-engine/spry/types"
)

func main() {
	env := table.NewEnvironment(table.Settings{Batch: true})

	// A plain Go function becomes a scalar SQL function; for hot paths,
	// register an *expr.ScalarFunction with a column kernel instead.
	shout := func(s string) string { return strings.ToUpper(s) + "!" }
	if err := env.RegisterFunction("shout", shout); err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	res, err := env.ExecuteSQL(ctx, `
		SELECT shout(word) AS loud, COUNT(*) AS cnt
		FROM (VALUES ('Apache Flink'), ('cool'), ('enjoyment'), ('Apache Flink')) AS t(word)
		GROUP BY word`)
	if err != nil {
		log.Fatal(err)
	}
	rows, err := res.Rows(ctx)
	if err != nil {
		log.Fatal(err)
	}
	kinds := make([]types.RowKind, len(rows))
	vals := make([][]any, len(rows))
	for i, r := range rows {
		kinds[i], vals[i] = r.Kind, r.Values
	}
	printer.NewTableau(os.Stdout, res.Schema, false, time.UTC, 0).PrintAll(kinds, vals)
	fmt.Println("(rows in arrival order: GROUP BY output is unordered)")
}
