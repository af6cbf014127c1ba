// Package aggregate holds Spry's built-in aggregate functions (COUNT, SUM,
// AVG, MIN, MAX, the variance family, FIRST_VALUE, LAST_VALUE, LISTAGG,
// COLLECT, ARRAY_AGG, SINGLE_VALUE and the internal $SUM0), registered into
// expr.Builtins from init with their documentation.
//
// Every accumulator is group-vectorized (see expr.Accumulator): it keeps one
// slot per dense group index and folds a whole batch of rows into their
// groups with typed loops, so numeric aggregates neither box values nor
// allocate per row. Every accumulator accepts retractions (-U/-D rows), as
// Flink's retracting aggregate functions do: MIN, MAX, FIRST_VALUE,
// LAST_VALUE, LISTAGG, COLLECT and ARRAY_AGG keep the values they have seen
// per group, like Flink's MapView-backed versions. Factories of those also
// implement InsertOnlyFactory, which hands out a cheaper accumulator for
// inputs known to carry no retractions (batch jobs).
//
// Intermediate state (Accumulator.State and Merge) is what a local
// aggregation ships to the global one and what a checkpoint stores; its
// column types are given by the factory's StateTypes.
package aggregate
