// Package expr holds bound, typed expressions and the function registry.
//
// An Expr is evaluated a whole batch at a time and returns one Arrow array:
// column references return the batch's column, literals a constant column,
// calls run a Kernel chosen when the call was bound. Built-in functions live
// in the sub-packages functions (scalar) and aggregate (aggregates); they
// register themselves in Builtins from init, each with the description and
// examples that docs/functions.md is generated from.
package expr
