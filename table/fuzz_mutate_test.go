package table_test

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestCorpusMutations replays the slt corpus with seeded single-token
// deletions, duplications and replacements, alternating batch and streaming, so that
// plain `go test` shakes out panics without the fuzzing engine.
func TestCorpusMutations(t *testing.T) {
	seeds, preload := loadCorpus(t)
	rng := rand.New(rand.NewPCG(20240601, 7))
	perSeed := envInt("SPRY_FUZZ_MUTATIONS", 3)
	if testing.Short() {
		perSeed = 1
	}
	n := 0
	seen := map[string]bool{}
	for _, s := range seeds {
		toks := sqlTokens(s)
		for range perSeed {
			mut := mutateTokens(toks, rng)
			if n%4 == 3 {
				mut = configPrefixes[rng.IntN(len(configPrefixes))] + mut
			}
			if msg := probeSQL(preload, mut, n%2 == 1); msg != "" {
				// Report each distinct failure once: the same bug tends
				// to surface from many mutations.
				if key := failureKey(msg); !seen[key] {
					seen[key] = true
					t.Error(msg)
				}
			}
			n++
		}
	}
	t.Logf("%d mutated statements", n)
}

// failureKey identifies a failure by its panic message, ignoring the
// input and the stack.
func failureKey(msg string) string {
	_, rest, _ := strings.Cut(msg, "\n")
	_, rest, _ = strings.Cut(rest, "\n")
	key, _, _ := strings.Cut(rest, "\n")
	return key
}

// sqlTokens splits SQL into tokens (words, numbers, quoted strings and
// identifiers, single symbols), each with the blank space before it, so
// that joining them gives the input back.
func sqlTokens(s string) []string {
	var toks []string
	i := 0
	for i < len(s) {
		start := i
		for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
			i++
		}
		if i == len(s) {
			if len(toks) > 0 {
				toks[len(toks)-1] += s[start:]
			}
			break
		}
		switch c := s[i]; {
		case c == '\'' || c == '`' || c == '"':
			i++
			for i < len(s) && s[i] != c {
				i++
			}
			if i < len(s) {
				i++
			}
		case isWordByte(c):
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
		default:
			i++
		}
		toks = append(toks, s[start:i])
	}
	return toks
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// fuzzVocab are values and shapes that planners and kernels get wrong:
// NULLs of every kind, extremes, empty strings and collections, subqueries.
var fuzzVocab = []string{
	"NULL", "CAST(NULL AS INT)", "CAST(NULL AS STRING)", "CAST(NULL AS DECIMAL(38, 18))", "''", "-1", "0", "0.0",
	"2147483647", "-9223372036854775808", "1e308", "99999999999999999999999999999999999999", "TRUE",
	"DATE '0001-01-01'", "TIMESTAMP '9999-12-31 23:59:59.999'", "INTERVAL '1' DAY", "ARRAY[1, NULL]",
	"MAP['a', 1]", "ROW(1, 'a')", "*", "(SELECT 1)", "(SELECT k FROM kv)", "id", "ts", "k", "DISTINCT",
	"GROUP BY 1", "ORDER BY 1", "LIMIT 0", ",", "(", ")", "AS", "OVER ()",
}

// mutateTokens deletes or duplicates one random token, or replaces it
// with another token of the same statement or a fuzzVocab entry.
func mutateTokens(toks []string, rng *rand.Rand) string {
	if len(toks) == 0 {
		return ""
	}
	i := rng.IntN(len(toks))
	op := rng.IntN(4)
	var b strings.Builder
	for j, tok := range toks {
		switch {
		case j != i:
			b.WriteString(tok)
		case op == 0:
			// deleted
		case op == 1:
			b.WriteString(tok)
			b.WriteString(tok)
		case op == 2:
			b.WriteString(" " + strings.TrimSpace(toks[rng.IntN(len(toks))]))
		default:
			b.WriteString(" " + fuzzVocab[rng.IntN(len(fuzzVocab))])
		}
	}
	return b.String()
}

// envInt reads a positive integer from the environment, else def; it lets
// a long local run ask TestCorpusMutations for more mutations per seed.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
