// Package functions holds Spry's built-in scalar functions and registers
// them in expr.Builtins from init, each with the documentation that
// docs/functions.md is generated from (see Markdown).
//
// Every function follows Apache Flink's semantics: result types, NULL
// handling, overflow and rounding. Kernels work on whole Arrow columns with
// typed loops (see kernels.go for the shared generic helpers); the binder
// turns special SQL syntax (operators, CASE, CAST, IN, EXTRACT, ...) into
// calls of the registered names documented on each function.
//
// The package also exports the type rules the binder needs: NewCast,
// CanCast, CanCastImplicitly and CommonType.
package functions
