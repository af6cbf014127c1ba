package functions

import (
	"errors"
	"testing"

	"github.com/spry-engine/spry/types"
)

// TestStringSizeLimit checks that functions sized by a query-supplied
// count fail with a *StringTooLongError instead of allocating without
// bound, and still work just under the limit.
func TestStringSizeLimit(t *testing.T) {
	for _, c := range []struct {
		name string
		args []tcol
		fail bool
	}{
		{"REPEAT", []tcol{lit(types.String, "ab"), lit(types.Int, int32(2147483647))}, true},
		{"REPEAT", []tcol{lit(types.String, "ab"), lit(types.BigInt, int64(9223372036854775807))}, true},
		{"REPEAT", []tcol{lit(types.String, "ab"), lit(types.Int, int32(-5))}, false},
		{"REPEAT", []tcol{lit(types.String, ""), lit(types.Int, int32(2147483647))}, false},
		{"RPAD", []tcol{lit(types.String, "x"), lit(types.Int, int32(2147483647)), lit(types.String, "ab")}, true},
		{"LPAD", []tcol{lit(types.String, "x"), lit(types.BigInt, int64(9223372036854775807)), lit(types.String, "é")}, true},
		{"LPAD", []tcol{lit(types.String, "x"), lit(types.Int, int32(1000)), lit(types.String, "é")}, false},
	} {
		_, _, err := evalFn(t, testCtx(), c.name, c.args...)
		var tl *StringTooLongError
		if got := errors.As(err, &tl); got != c.fail || !c.fail && err != nil {
			t.Errorf("%s%v: error %v, want failure %v", c.name, c.args, err, c.fail)
		}
	}
}
