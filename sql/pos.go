package sql

import "fmt"

// Pos is a position in SQL source text. Line and Col are 1-based; Col counts
// bytes from the start of the line (plus one). Offset is the 0-based byte
// offset from the start of the source. The zero Pos means "unknown".
type Pos struct{ Line, Col, Offset int }

// IsValid reports whether p denotes a real source position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String renders p as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }
