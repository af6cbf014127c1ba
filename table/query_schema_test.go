package table

import (
	"context"
	"errors"
	"testing"
)

func TestQuerySchema(t *testing.T) {
	env := NewEnvironment(Settings{Parallelism: 1})
	ctx := context.Background()
	cases := []struct {
		query, want string
		fails       bool
	}{
		{query: "SELECT 1 AS a, CAST(NULL AS STRING) AS b", want: "a INT NOT NULL, b STRING"},
		{query: "SELECT w, COUNT(*) AS n FROM (VALUES ('x')) AS t(w) GROUP BY w", want: "w CHAR(1) NOT NULL, n BIGINT NOT NULL"},
		{query: "SELECT nope FROM (VALUES (1)) AS t(x)", fails: true},
		{query: "CREATE TABLE t (x INT)", fails: true},
	}
	for _, tc := range cases {
		s, err := env.QuerySchema(ctx, tc.query)
		if tc.fails {
			var se *SQLError
			if !errors.As(err, &se) {
				t.Errorf("%s: err = %v, want an *SQLError", tc.query, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.query, err)
			continue
		}
		got := ""
		for i, f := range s.Fields {
			if i > 0 {
				got += ", "
			}
			got += f.Name + " " + f.Type.String()
		}
		if got != tc.want {
			t.Errorf("%s: schema %q, want %q", tc.query, got, tc.want)
		}
	}
}
