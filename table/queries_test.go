package table

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
)

const tv = "(VALUES (1, 'a', 10), (2, 'b', 20), (3, 'a', 30), (4, CAST(NULL AS STRING), 40)) AS t(id, k, v)"

// TestBatchQueries runs queries over inline rows in batch mode at two
// parallelisms; rows are compared sorted unless ordered is set.
func TestBatchQueries(t *testing.T) {
	tests := []struct {
		name, query string
		want        []string
		ordered     bool
	}{
		{name: "projection", query: "SELECT id + 1, k FROM " + tv,
			want: []string{"+I[2, a]", "+I[3, b]", "+I[4, a]", "+I[5, null]"}},
		{name: "filter", query: "SELECT id FROM " + tv + " WHERE v > 15 AND k = 'a'",
			want: []string{"+I[3]"}},
		{name: "group by", query: "SELECT k, COUNT(*), SUM(v), MIN(id), MAX(id) FROM " + tv + " GROUP BY k",
			want: []string{"+I[a, 2, 40, 1, 3]", "+I[b, 1, 20, 2, 2]", "+I[null, 1, 40, 4, 4]"}},
		{name: "global aggregate", query: "SELECT COUNT(*), SUM(v) FROM " + tv,
			want: []string{"+I[4, 100]"}},
		{name: "global aggregate of nothing", query: "SELECT COUNT(*) FROM " + tv + " WHERE id > 100",
			want: []string{"+I[0]"}},
		{name: "count distinct", query: "SELECT COUNT(DISTINCT k) FROM " + tv,
			want: []string{"+I[2]"}},
		{name: "having", query: "SELECT k FROM " + tv + " GROUP BY k HAVING COUNT(*) > 1",
			want: []string{"+I[a]"}},
		{name: "order by limit", query: "SELECT id FROM " + tv + " ORDER BY v DESC LIMIT 2",
			want: []string{"+I[4]", "+I[3]"}, ordered: true},
		{name: "order by offset", query: "SELECT id FROM " + tv + " ORDER BY id OFFSET 3 ROWS",
			want: []string{"+I[4]"}, ordered: true},
		{name: "limit", query: "SELECT id FROM " + tv + " LIMIT 3",
			want: []string{"+I[x]", "+I[x]", "+I[x]"}},
		{name: "union all", query: "SELECT k FROM " + tv + " UNION ALL SELECT 'c'",
			want: []string{"+I[a]", "+I[a]", "+I[b]", "+I[c]", "+I[null]"}},
		{name: "union", query: "SELECT k FROM " + tv + " UNION SELECT 'a'",
			want: []string{"+I[a]", "+I[b]", "+I[null]"}},
		{name: "intersect", query: "SELECT k FROM " + tv + " INTERSECT SELECT 'a'",
			want: []string{"+I[a]"}},
		{name: "except", query: "SELECT k FROM " + tv + " EXCEPT SELECT 'a'",
			want: []string{"+I[b]", "+I[null]"}},
		{name: "distinct", query: "SELECT DISTINCT k FROM " + tv,
			want: []string{"+I[a]", "+I[b]", "+I[null]"}},
		{name: "inner join", query: "SELECT t.id, u.name FROM " + tv + " JOIN (VALUES ('a', 'alpha'), ('b', 'bravo')) AS u(k, name) ON t.k = u.k",
			want: []string{"+I[1, alpha]", "+I[2, bravo]", "+I[3, alpha]"}},
		{name: "left join", query: "SELECT t.id, u.name FROM " + tv + " LEFT JOIN (VALUES ('a', 'alpha')) AS u(k, name) ON t.k = u.k",
			want: []string{"+I[1, alpha]", "+I[2, null]", "+I[3, alpha]", "+I[4, null]"}},
		{name: "join with residual", query: "SELECT t.id FROM " + tv + " JOIN (VALUES ('a', 2)) AS u(k, m) ON t.k = u.k AND t.id > u.m",
			want: []string{"+I[3]"}},
		{name: "cross join", query: "SELECT COUNT(*) FROM " + tv + ", (VALUES (1), (2)) AS u(x)",
			want: []string{"+I[8]"}},
		{name: "in subquery", query: "SELECT id FROM " + tv + " WHERE k IN (SELECT 'b')",
			want: []string{"+I[2]"}},
		{name: "unnest", query: "SELECT id, x FROM (VALUES (1, ARRAY[10, 20]), (2, ARRAY[30])) AS t(id, arr) CROSS JOIN UNNEST(t.arr) AS u(x)",
			want: []string{"+I[1, 10]", "+I[1, 20]", "+I[2, 30]"}},
		{name: "rollup", query: "SELECT k, SUM(v) FROM " + tv + " WHERE k IS NOT NULL GROUP BY ROLLUP (k)",
			want: []string{"+I[a, 40]", "+I[b, 20]", "+I[null, 60]"}},
	}
	for _, p := range []int{1, 3} {
		env := NewEnvironment(Settings{Batch: true, Parallelism: p})
		for _, tc := range tests {
			t.Run(fmt.Sprintf("p%d/%s", p, tc.name), func(t *testing.T) {
				r, err := env.ExecuteSQL(context.Background(), tc.query)
				if err != nil {
					t.Fatal(err)
				}
				got := collectRows(t, r)
				want := append([]string(nil), tc.want...)
				if tc.name == "limit" {
					// Which rows LIMIT keeps is unspecified; count them.
					for i := range got {
						got[i] = "+I[x]"
					}
				}
				if !tc.ordered {
					sort.Strings(got)
					sort.Strings(want)
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("parallelism %d: got %q, want %q", p, got, want)
				}
			})
		}
	}
}

// TestStreamingQueries checks insert-only streaming queries and the
// changelog of streaming aggregates over inline rows.
func TestStreamingQueries(t *testing.T) {
	tests := []struct {
		name, query string
		settings    map[string]string
		want        []string // final state, sorted
	}{
		{name: "projection", query: "SELECT id * 2 FROM " + tv + " WHERE id < 3", want: []string{"+I[2]", "+I[4]"}},
		{name: "limit", query: "SELECT id FROM " + tv + " WHERE id = 2 LIMIT 1", want: []string{"+I[2]"}},
		{name: "aggregate", query: "SELECT k, SUM(v) FROM " + tv + " GROUP BY k", want: []string{"+I[a, 40]", "+I[b, 20]", "+I[null, 40]"}},
		{name: "mini-batch two-phase aggregate", query: "SELECT k, SUM(v) FROM " + tv + " GROUP BY k",
			settings: map[string]string{KeyMiniBatchEnabled: "true"}, want: []string{"+I[a, 40]", "+I[b, 20]", "+I[null, 40]"}},
		{name: "global aggregate", query: "SELECT COUNT(*) FROM " + tv, want: []string{"+I[4]"}},
		{name: "join", query: "SELECT t.id, u.name FROM " + tv + " JOIN (VALUES ('a', 'alpha')) AS u(k, name) ON t.k = u.k",
			want: []string{"+I[1, alpha]", "+I[3, alpha]"}},
		{name: "left join", query: "SELECT t.id, u.name FROM " + tv + " LEFT JOIN (VALUES ('b', 'bravo')) AS u(k, name) ON t.k = u.k WHERE t.id < 3",
			want: []string{"+I[1, null]", "+I[2, bravo]"}},
		{name: "aggregate of aggregate", query: "SELECT c, COUNT(*) FROM (SELECT k, COUNT(*) AS c FROM " + tv + " GROUP BY k) GROUP BY c",
			want: []string{"+I[1, 2]", "+I[2, 1]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := NewEnvironment(Settings{Parallelism: 2, Config: tc.settings})
			r, err := env.ExecuteSQL(context.Background(), tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Changelog {
				t.Errorf("streaming results are a changelog")
			}
			got := finalState(collectRows(t, r))
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRuntimeError checks that a failing job's error reaches the reader
// instead of hanging or being lost.
func TestRuntimeError(t *testing.T) {
	for _, batch := range []bool{true, false} {
		env := NewEnvironment(Settings{Batch: batch, Parallelism: 2})
		r, err := env.ExecuteSQL(context.Background(), "SELECT id / (id - 1) FROM "+tv)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Rows(context.Background()); err == nil {
			t.Errorf("batch=%v: division by zero should fail the job", batch)
		}
	}
}
