package aggregate

import "errors"

// ErrRetraction is returned by an insert-only accumulator (see
// InsertOnlyFactory) that is given a -U/-D row.
var ErrRetraction = errors.New("aggregate: insert-only accumulator received a retraction")

// ErrSingleValue is returned by SINGLE_VALUE when a group holds more than
// one row, i.e. a scalar subquery produced more than one row. The message is
// Flink's.
var ErrSingleValue = errors.New("SingleValueAggFunction received more than one element.")
