package types

import (
	"strings"
)

// Schema is the ordered list of columns of a table, a plan node's output or
// a batch. Column names may repeat in intermediate plans (e.g. after a
// join); lookups report ambiguity.
type Schema struct {
	Fields []Field
	// PrimaryKey holds column indexes of a declared (NOT ENFORCED) primary key.
	PrimaryKey []int
}

// NewSchema builds a schema from fields.
func NewSchema(fields ...Field) *Schema { return &Schema{Fields: fields} }

// Len returns the number of columns.
func (s *Schema) Len() int { return len(s.Fields) }

// Names returns the column names.
func (s *Schema) Names() []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}

// Types returns the column types.
func (s *Schema) Types() []DataType {
	out := make([]DataType, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Type
	}
	return out
}

// Index returns the position of the column called name, or -1. Matching is
// case-sensitive, as Flink's identifiers are.
func (s *Schema) Index(name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// RowType returns the schema as a ROW type.
func (s *Schema) RowType() DataType { return RowOf(s.Fields...) }

// String prints the schema as its field list, "(`a` INT, `b` STRING)"
// (names quoted as QuoteIdent does), for plan dumps and errors.
func (s *Schema) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, f := range s.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(QuoteIdent(f.Name))
		b.WriteByte(' ')
		b.WriteString(f.Type.String())
	}
	b.WriteByte(')')
	return b.String()
}
