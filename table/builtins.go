package table

// An Environment runs SQL with every built-in function, aggregate,
// connector and format, whichever front end created it.
import (
	_ "github.com/spry-engine/spry/connector/all"
	_ "github.com/spry-engine/spry/expr/aggregate"
	_ "github.com/spry-engine/spry/expr/functions"
)
