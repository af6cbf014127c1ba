package nexmark

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// CountCharClass is the Java class nexmark's q14 names in
// `CREATE FUNCTION count_char AS '...'`; Spry registers its Go
// implementation under that name, so the query runs unchanged.
const CountCharClass = "com.github.nexmark.flink.udf.CountChar"

// CountChar is nexmark's count_char(s, c) UDF: how many times the first
// character of c occurs in s (0 when s is NULL), as a BIGINT.
var CountChar = &expr.ScalarFunction{
	Name: "COUNT_CHAR",
	Doc: expr.Doc{Category: "String", Syntax: "COUNT_CHAR(string, char)",
		Description: "Nexmark q14's UDF: the number of occurrences of char's first character in string; 0 for NULL."},
	Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 2 || !isText(args[0].Type) || !isText(args[1].Type) {
			got := make([]types.DataType, len(args))
			for i, a := range args {
				got[i] = a.Type
			}
			return types.DataType{}, nil, &expr.TypeError{Func: "COUNT_CHAR", Got: got, Expected: "COUNT_CHAR(STRING, STRING)"}
		}
		return types.BigInt.NotNullable(), countChar, nil
	},
}

func isText(t types.DataType) bool {
	return t.Kind == types.KindVarChar || t.Kind == types.KindChar || t.Kind == types.KindNull
}

// countChar counts with a byte loop when the character is ASCII (q14's
// 'c'), otherwise by runes.
func countChar(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
	out := make([]int64, rows)
	strs, _ := in[0].(*array.String)
	chars, _ := in[1].(*array.String)
	for i := range rows {
		if strs == nil || chars == nil || strs.IsNull(i) || chars.IsNull(i) {
			continue
		}
		c := chars.Value(i)
		if c == "" {
			continue
		}
		s := strs.Value(i)
		if c[0] < 0x80 {
			out[i] = int64(strings.Count(s, c[:1]))
		} else {
			r := []rune(c)[0]
			out[i] = int64(strings.Count(s, string(r)))
		}
	}
	data := array.NewData(arrow.PrimitiveTypes.Int64, rows,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(out))}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data), nil
}

func init() {
	if err := catalog.RegisterGoFunction(CountCharClass, CountChar); err != nil {
		panic(err)
	}
}
