package functions

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// CastError reports a value that CAST cannot convert, such as
// CAST('abc' AS INT). TRY_CAST returns NULL instead.
type CastError struct {
	Value    string
	From, To types.DataType
}

func (e *CastError) Error() string {
	return fmt.Sprintf("cannot cast '%s' of type %s to %s", e.Value, e.From.WithNullable(true), e.To.WithNullable(true))
}

// castFn converts one column; try selects TRY_CAST (NULL on failure).
type castFn func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error)

// castFail is what a conversion returns for an unconvertible value: a NULL
// under TRY_CAST, a *CastError otherwise.
func castFail(try bool, v string, from, to types.DataType) (bool, error) {
	if try {
		return false, nil
	}
	return false, &CastError{Value: v, From: from, To: to}
}

// Cast is the expression CAST(Input AS To), or TRY_CAST when Try is set.
type Cast struct {
	Input  expr.Expr
	To     types.DataType
	Try    bool
	kernel expr.Kernel
}

// NewCast binds CAST(e AS to) (TRY_CAST when try). It fails, naming both
// types, when Flink does not allow the conversion.
func NewCast(e expr.Expr, to types.DataType, try bool) (expr.Expr, error) {
	k, err := castKernel(e.Type(), to, try)
	if err != nil {
		return nil, err
	}
	return &Cast{Input: e, To: castResultType(e.Type(), to, try), Try: try, kernel: k}, nil
}

// Type returns the target type; TRY_CAST is always nullable.
func (c *Cast) Type() types.DataType { return c.To }

// Eval converts the input column.
func (c *Cast) Eval(ctx *expr.Context, b *types.Batch) (arrow.Array, error) {
	a, err := c.Input.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	return c.kernel(ctx, []arrow.Array{a}, b.Len())
}

func (c *Cast) String() string {
	name := "CAST"
	if c.Try {
		name = "TRY_CAST"
	}
	return fmt.Sprintf("%s(%s AS %s)", name, c.Input, c.To.WithNullable(true))
}

var _ expr.Expr = (*Cast)(nil)

// CanCast reports whether CAST(x AS to) is allowed for x of type from.
func CanCast(from, to types.DataType) bool {
	return castFunc(from, to) != nil
}

// castResultType is the target's type with the nullability the cast can
// produce: TRY_CAST and casts that turn overflow into NULL (DECIMAL) are
// nullable.
func castResultType(from, to types.DataType, try bool) types.DataType {
	nullable := try || from.Nullable()
	return to.WithNullable(nullable)
}

// castKernel returns the kernel converting a column of type from to type to.
func castKernel(from, to types.DataType, try bool) (expr.Kernel, error) {
	f := castFunc(from, to)
	if f == nil {
		return nil, castUnsupported(from, to)
	}
	return func(ctx *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		return f(ctx, args[0], try)
	}, nil
}

// castUnsupported explains a forbidden cast, with Flink's advice for the
// numeric/timestamp conversions users most often try.
func castUnsupported(from, to types.DataType) error {
	hint := ""
	switch {
	case from.Kind.IsNumeric() && to.Kind == types.KindTimestamp:
		hint = "; use TO_TIMESTAMP(FROM_UNIXTIME(numeric_col)) instead, note the numeric is in seconds"
	case from.Kind.IsNumeric() && to.Kind == types.KindTimestampLTZ:
		hint = "; use TO_TIMESTAMP_LTZ(numeric_col, precision) instead"
	case from.Kind == types.KindTimestamp && to.Kind.IsNumeric():
		hint = "; use UNIX_TIMESTAMP(CAST(timestamp_col AS STRING)) instead"
	}
	return fmt.Errorf("cast from %s to %s is not supported%s", from.WithNullable(true), to.WithNullable(true), hint)
}

func castIdentity(_ *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) {
	a.Retain()
	return a, nil
}

// castFunc picks the conversion from one type to another, or nil when Flink
// does not allow it.
func castFunc(from, to types.DataType) castFn {
	if from.Kind == types.KindNull {
		return func(_ *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) {
			return nullArray(to, a.Len()), nil
		}
	}
	from, to = from.WithNullable(true).WithoutTimeAttr(), to.WithNullable(true).WithoutTimeAttr()
	switch k := to.Kind; {
	case k.IsInteger() || k.IsApprox():
		return castToNumber(from, to)
	case k == types.KindDecimal:
		return castToDecimal(from, to)
	case k == types.KindBoolean:
		return castToBoolean(from, to)
	case k.IsString():
		return castToString(from, to)
	case k.IsBinary():
		return castToBinary(from, to)
	case k.IsTemporal():
		return castToTemporal(from, to)
	case k.IsInterval():
		if from.Kind == to.Kind {
			return castIdentity
		}
	default:
		if from.EqualIgnoringNull(to) {
			return castIdentity
		}
		return castNested(from, to)
	}
	return nil
}

func init() {
	register(
		&expr.ScalarFunction{
			Name: "CAST",
			Doc: expr.Doc{
				Category:    "Cast",
				Syntax:      "CAST(value AS type)",
				Description: "Converts value to type. An invalid input (such as CAST('abc' AS INT)) is an error; numeric narrowing wraps like Java, and a DECIMAL that does not fit its precision becomes NULL.",
				Examples:    []string{"CAST('42' AS INT) → 42", "CAST(3.7 AS INT) → 3", "CAST(TRUE AS STRING) → 'TRUE'"},
			},
			Bind: castBind("CAST", false),
		},
		&expr.ScalarFunction{
			Name: "TRY_CAST",
			Doc: expr.Doc{
				Category:    "Cast",
				Syntax:      "TRY_CAST(value AS type)",
				Description: "Like CAST, but returns NULL instead of failing when value cannot be converted.",
				Examples:    []string{"TRY_CAST('abc' AS INT) → NULL", "TRY_CAST('42' AS INT) → 42"},
			},
			Bind: castBind("TRY_CAST", true),
		},
	)
}

// castBind binds the function form CAST(value, target) used when a cast
// reaches the registry as a call: the second argument is a (typically NULL)
// literal whose type is the target. The binder normally uses NewCast.
func castBind(name string, try bool) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 2 {
			return types.Null, nil, typeError(name, args, name+"(value AS type)")
		}
		from, to := args[0].Type, args[1].Type
		k, err := castKernel(from, to, try)
		if err != nil {
			return types.Null, nil, err
		}
		return castResultType(from, to, try), k, nil
	}
}
