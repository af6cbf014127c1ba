package table

import (
	"context"
	"fmt"

	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// QuerySchema returns the schema of the rows a query would produce,
// binding, optimizing and planning it without starting a job. Front ends
// that build queries as SQL text (the Python Table API) use it to learn a
// table's columns. Errors are those ExecuteSQL would return.
func (e *Environment) QuerySchema(ctx context.Context, query string) (_ *types.Schema, err error) {
	defer recoverStatement(query, &err)
	if e.initErr != nil {
		return nil, e.initErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := sql.ParseOne(query)
	if err != nil {
		return nil, wrapError(query, query, err)
	}
	q, ok := st.(*sql.QueryStmt)
	if !ok {
		return nil, wrapError(query, query, &UnsupportedError{fmt.Sprintf("schema of %T (a query is expected)", st)})
	}
	p, err := e.planStatement(q)
	if err != nil {
		return nil, wrapError(query, query, err)
	}
	s := p.program.QuerySchema()
	if s == nil {
		return nil, wrapError(query, query, &UnsupportedError{"schema of a statement without result rows"})
	}
	return s, nil
}
