// Package physical turns an optimized logical plan into what the runtime
// runs. It first builds a tree of physical nodes named as Flink's physical
// plan names them (TableSourceScan, Calc, Exchange, GroupAggregate,
// HashAggregate, Sort, Limit, Union, Sink, ...), choosing stream or batch
// operators, inserting exchanges and splitting aggregations into local and
// global phases. It then infers each node's changelog mode and checks that
// every sink accepts what it receives, failing with Flink's messages when
// not. Finally it chains forward-connected operators of equal parallelism
// into vertices of a runtime.JobGraph.
//
// The physical tree is what EXPLAIN prints under "== Optimized Physical
// Plan =="; the job graph is what runtime.Execute runs.
package physical
