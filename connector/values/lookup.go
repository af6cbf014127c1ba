package values

import "github.com/spry-engine/spry/connector"

// A values table serves lookup joins from its registered rows, read once
// into memory (Flink's test values source is a LookupTableSource too).
func init() { connector.RegisterLookup(Factory.Name, connector.LoadingLookup(newSource)) }
