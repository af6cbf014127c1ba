package nexmarkbench

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spry-engine/spry/internal/suggest"
)

// suite holds the SQL files and q13's side input, so `spry bench nexmark`
// runs the suite from the binary alone, without a checkout.
//
//go:embed ddl.sql ddl_kafka.sql q*.sql data/side_input.txt
var suite embed.FS

// Source names where a query reads its events from.
const (
	// SourceGenerator is the in-process nexmark generator (ddl.sql).
	SourceGenerator = "generator"
	// SourceKafka is a pre-filled Kafka topic (ddl_kafka.sql).
	SourceKafka = "kafka"
)

// Params fill the suite's ${...} placeholders.
type Params struct {
	// Source is SourceGenerator (default) or SourceKafka: which DDL heads
	// the script.
	Source string
	// Events is ${EVENTS_NUM}, the generator's events.num.
	Events int64
	// TPS is ${TPS}, the generator's first-event.rate and next-event.rate.
	TPS int64
	// Dir is ${NEXMARK_DIR}: q10 writes below it, q13 reads
	// data/side_input.txt there (see WriteSideInput).
	Dir string
	// Topic and Bootstrap are ${TOPIC} and ${BOOTSTRAP_SERVERS} of the
	// Kafka DDL.
	Topic, Bootstrap string
}

// UnknownQueryError is returned for a query name not in the suite.
type UnknownQueryError struct {
	Name, Suggestion string
}

// Error names the query and the closest one of the suite.
func (e *UnknownQueryError) Error() string {
	msg := fmt.Sprintf("unknown Nexmark query %q (the suite has q0..q22 without q6)", e.Name)
	if e.Suggestion != "" {
		msg += fmt.Sprintf("; did you mean %q?", e.Suggestion)
	}
	return msg
}

// AllQueries lists every query of the suite in numeric order, q6 included
// (Flink cannot run q6, so the benchmark leaves it out by default).
func AllQueries() []string {
	out := make([]string, 0, 23)
	for i := 0; i <= 22; i++ {
		out = append(out, "q"+strconv.Itoa(i))
	}
	return out
}

// Queries lists the queries benchmarked and verified by default: q0..q22
// without q6, in numeric order.
func Queries() []string {
	var out []string
	for _, q := range AllQueries() {
		if q != "q6" {
			out = append(out, q)
		}
	}
	return out
}

// Query returns the text of query name's file (e.g. "q5"), or an
// *UnknownQueryError suggesting the closest name.
func Query(name string) (string, error) {
	b, err := suite.ReadFile(name + ".sql")
	if err != nil || !strings.HasPrefix(name, "q") || strings.Contains(name, "/") {
		return "", &UnknownQueryError{Name: name, Suggestion: closest(name, AllQueries())}
	}
	return string(b), nil
}

// DDL returns the source DDL and the person/auction/bid views for source
// (SourceGenerator when empty).
func DDL(source string) (string, error) {
	switch source {
	case "", SourceGenerator:
		b, err := suite.ReadFile("ddl.sql")
		return string(b), err
	case SourceKafka:
		b, err := suite.ReadFile("ddl_kafka.sql")
		return string(b), err
	}
	return "", fmt.Errorf("unknown Nexmark source %q: expected %s or %s", source, SourceGenerator, SourceKafka)
}

// Render returns query's whole script, the DDL of p.Source followed by the
// query's file, with the placeholders filled from p.
func Render(query string, p Params) (string, error) {
	q, err := Query(query)
	if err != nil {
		return "", err
	}
	ddl, err := DDL(p.Source)
	if err != nil {
		return "", err
	}
	return p.Fill(ddl + "\n" + q), nil
}

// FillScript returns the script that writes p.Events generated events
// into the Kafka topic p.Topic: the generator's table, the Kafka table and
// INSERT INTO kafka SELECT event_type, person, auction, bid FROM datagen.
func FillScript(p Params) (string, error) {
	gen, err := DDL(SourceGenerator)
	if err != nil {
		return "", err
	}
	kafka, err := DDL(SourceKafka)
	if err != nil {
		return "", err
	}
	g, k := Split(p.Fill(gen)), Split(p.Fill(kafka))
	if len(g) == 0 || len(k) == 0 {
		return "", fmt.Errorf("nexmark DDL: no CREATE TABLE found")
	}
	return g[0] + ";\n" + k[0] + ";\nINSERT INTO kafka SELECT event_type, person, auction, bid FROM datagen;\n", nil
}

// Fill replaces the ${...} placeholders of text by p's values.
func (p Params) Fill(text string) string {
	return strings.NewReplacer(
		"${EVENTS_NUM}", strconv.FormatInt(p.Events, 10),
		"${TPS}", strconv.FormatInt(p.TPS, 10),
		"${NEXMARK_DIR}", p.Dir,
		"${TOPIC}", p.Topic,
		"${BOOTSTRAP_SERVERS}", p.Bootstrap,
	).Replace(text)
}

// WriteSideInput writes q13's side input (rows "i,i" for i in [0, 10000))
// to dir/data/side_input.txt, where the filled q13 reads it.
func WriteSideInput(dir string) error {
	b, err := suite.ReadFile("data/side_input.txt")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "data", "side_input.txt"), b, 0o644)
}

// closest returns the name of names nearest to name by edit distance,
// or "" when none is within two edits.
func closest(name string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := suggest.Distance(strings.ToLower(name), n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}
