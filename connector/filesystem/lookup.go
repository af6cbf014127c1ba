package filesystem

import "github.com/spry-engine/spry/connector"

// A filesystem table serves lookup joins (Nexmark's side_input table in
// q13) by reading its files once into memory and indexing them by the
// lookup key; good enough for small dimension files.
func init() { connector.RegisterLookup("filesystem", connector.LoadingLookup(newSource)) }
