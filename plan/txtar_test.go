package plan

import (
	"bytes"
	"os"
	"strings"
)

// A golden file is a txtar-style archive: sections introduced by lines
// "-- name --". Binder cases come in pairs: "name.sql" holds the input and
// "name.plan" the expected output, rewritten by go test -update.

type section struct {
	name string
	body string
}

func readArchive(path string) ([]section, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []section
	for _, line := range strings.SplitAfter(string(data), "\n") {
		t := strings.TrimRight(line, "\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) > 6 {
			out = append(out, section{name: strings.TrimSpace(t[3 : len(t)-3])})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].body += line
		}
	}
	return out, nil
}

func writeArchive(path string, secs []section) error {
	var b bytes.Buffer
	for _, s := range secs {
		b.WriteString("-- " + s.name + " --\n")
		body := s.body
		if body != "" && !strings.HasSuffix(body, "\n") {
			body += "\n"
		}
		b.WriteString(body)
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
