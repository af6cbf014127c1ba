// Package formattest holds helpers for the format packages' tests: decode
// records into Flink-style changelog lines ("+I[1, a]") to compare with
// expected output.
package formattest

import (
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Rows renders each row of b as Flink prints a changelog row: the kind,
// then the values in brackets.
func Rows(b *types.Batch) []string {
	out := make([]string, b.Len())
	for i := range out {
		vals := b.Row(i)
		parts := make([]string, len(vals))
		for j, v := range vals {
			parts[j] = types.Format(v, b.Schema.Fields[j].Type, time.UTC, "NULL")
		}
		out[i] = b.Kind(i).String() + "[" + strings.Join(parts, ", ") + "]"
	}
	return out
}

// Decode decodes records with a batch decoder of newRD and returns the
// rows, or the first error.
func Decode(t testing.TB, schema *types.Schema, opts map[string]string, newRD format.NewRecordDecoderFunc, records ...string) ([]string, error) {
	t.Helper()
	d, err := format.NewBatchDecoder(schema, opts, newRD)
	if err != nil {
		return nil, err
	}
	for _, r := range records {
		if err := d.Decode([]byte(r)); err != nil {
			return nil, err
		}
	}
	return Rows(d.Flush()), nil
}
