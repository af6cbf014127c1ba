// Package kernel holds typed whole-column helpers every operator shares:
// gathering rows (Take), filtering by a boolean mask, concatenating batches,
// hashing key columns (for exchanges and hash tables), encoding keys into
// comparable bytes, and sorting.
//
// Each helper type-asserts an Arrow array once and then runs a typed loop,
// so the hot paths neither box values in interfaces nor allocate per row.
// Flat Arrow types (every representation in types.ArrowType except list,
// map and struct) have fast paths; nested types fall back to a slower
// generic path.
package kernel
