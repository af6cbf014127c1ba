package sql

import (
	"strings"
	"testing"
)

func TestStopJob(t *testing.T) {
	cases := []struct {
		src              string
		id               string
		savepoint, drain bool
		format           string
	}{
		{"STOP JOB 'abc'", "abc", false, false, "STOP JOB 'abc'"},
		{"stop job 'abc' with savepoint", "abc", true, false, "STOP JOB 'abc' WITH SAVEPOINT"},
		{"STOP JOB 'a' WITH SAVEPOINT WITH DRAIN;", "a", true, true, "STOP JOB 'a' WITH SAVEPOINT WITH DRAIN"},
		{"STOP JOB 'a' WITH DRAIN WITH SAVEPOINT", "a", true, true, "STOP JOB 'a' WITH SAVEPOINT WITH DRAIN"},
		{"STOP JOB 'a' WITH DRAIN", "a", false, true, "STOP JOB 'a' WITH DRAIN"},
	}
	for _, c := range cases {
		st, err := ParseOne(c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		s, ok := st.(*StopJob)
		if !ok {
			t.Errorf("%s: got %T", c.src, st)
			continue
		}
		if s.ID.Value != c.id || s.Savepoint != c.savepoint || s.Drain != c.drain || s.Position().Col != 1 {
			t.Errorf("%s: %+v", c.src, s)
		}
		if f := Format(s); f != c.format {
			t.Errorf("%s: formatted %q, want %q", c.src, f, c.format)
		}
	}
}

func TestStopJobErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"STOP JOB abc", "line 1, column 10"},
		{"STOP 'abc'", "line 1, column 6"},
		{"STOP JOB 'a' WITH SAVEPOINT WITH SAVEPOINT", "line 1, column 34"},
		{"STOP JOB 'a'\nWITH FOO", "line 2, column 6"},
	}
	for _, c := range cases {
		_, err := ParseOne(c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %s", c.src, err, c.want)
		}
	}
}
