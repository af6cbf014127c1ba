// Package types defines Spry's logical data types (Flink's type system),
// schemas, row kinds and the columnar record batch that flows between
// operators.
//
// A Batch is a set of Arrow arrays of equal length plus an optional
// row-kind column (+I, -U, +U, -D). Every logical type has one fixed Arrow
// representation (see ArrowType), so kernels can switch on the logical kind
// and type-assert the Arrow array once per batch, never per row.
package types
