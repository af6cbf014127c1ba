// Package runtime executes job graphs: it runs each vertex's chain of
// operators in one goroutine per subtask, connects subtasks with bounded
// exchanges (forward, hash, rebalance, broadcast) that give back-pressure,
// forwards watermarks and end-of-input, and turns panics and errors into a
// job failure that names the operator.
//
// runtime knows nothing of SQL: the planner builds a JobGraph of operator
// specs and runtime instantiates them through one constructor switch.
package runtime
