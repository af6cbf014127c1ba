// Package ops holds Spry's operators: the Operator interface every step of
// a job implements, one file per operator family (calc, aggregation, join,
// sort, limit, union, source, sink, ...), each with its configuration
// struct, and Build, the one switch that turns an operator spec into a
// running operator.
package ops
