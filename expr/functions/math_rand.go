package functions

import (
	"errors"
	"math/rand/v2"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// RAND and RAND_INTEGER. With a seed, Flink draws from java.util.Random
// seeded once per call site, so a seeded query returns the same sequence
// as Flink; javaRandom reproduces that generator.

// javaRandom is java.util.Random's 48-bit linear congruential generator.
type javaRandom struct{ seed int64 }

const (
	jrMult = 0x5DEECE66D
	jrMask = (1 << 48) - 1
)

func newJavaRandom(seed int64) *javaRandom { return &javaRandom{seed: (seed ^ jrMult) & jrMask} }

func (r *javaRandom) next(bits uint) int32 {
	r.seed = (r.seed*jrMult + 0xB) & jrMask
	return int32(r.seed >> (48 - bits))
}

func (r *javaRandom) nextDouble() float64 {
	return float64(int64(r.next(26))<<27+int64(r.next(27))) * (1.0 / (1 << 53))
}

func (r *javaRandom) nextInt(bound int32) int32 {
	v := r.next(31)
	m := bound - 1
	if bound&m == 0 {
		return int32((int64(bound) * int64(v)) >> 31)
	}
	for u := v; ; u = r.next(31) {
		v = u % bound
		if u-v+m >= 0 {
			return v
		}
	}
}

var errRandBound = errors.New("RAND_INTEGER: bound must be positive")

// randSource draws numbers for one bound call: a shared seeded sequence,
// or Go's generator when unseeded.
type randSource struct {
	mu sync.Mutex
	jr *javaRandom
}

func (s *randSource) double() float64 {
	if s.jr == nil {
		return rand.Float64()
	}
	return s.jr.nextDouble()
}

func (s *randSource) intn(n int32) int32 {
	if s.jr == nil {
		return rand.Int32N(n)
	}
	return s.jr.nextInt(n)
}

// seededSource returns the source for a seed argument: constant seeds
// (and no seed) share one sequence across batches.
func seededSource(args []expr.Arg, hasSeed bool) (*randSource, error) {
	if !hasSeed {
		return &randSource{}, nil
	}
	if !args[0].Type.Kind.IsInteger() && args[0].Type.Kind != types.KindNull {
		return nil, typeError("RAND", args, "RAND(), RAND(INTEGER)")
	}
	seed, ok := constInt(args[0])
	if !ok {
		return nil, typeError("RAND", args, "a literal integer seed")
	}
	return &randSource{jr: newJavaRandom(seed)}, nil
}

func randBind(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) > 1 {
		return types.Null, nil, typeError("RAND", args, "RAND(), RAND(INTEGER)")
	}
	src, err := seededSource(args, len(args) == 1)
	if err != nil {
		return types.Null, nil, err
	}
	return types.Double.NotNullable(), func(_ *expr.Context, _ []arrow.Array, rows int) (arrow.Array, error) {
		out := make([]float64, rows)
		src.mu.Lock()
		for i := range out {
			out[i] = src.double()
		}
		src.mu.Unlock()
		return newFixedArray(arrow.PrimitiveTypes.Float64, out, nil, 0), nil
	}, nil
}

func randIntegerBind(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "RAND_INTEGER(INTEGER), RAND_INTEGER(INTEGER, INTEGER)"
	if len(args) < 1 || len(args) > 2 {
		return types.Null, nil, typeError("RAND_INTEGER", args, sig)
	}
	bound := args[len(args)-1]
	if !bound.Type.Kind.IsInteger() && bound.Type.Kind != types.KindNull {
		return types.Null, nil, typeError("RAND_INTEGER", args, sig)
	}
	src, err := seededSource(args, len(args) == 2)
	if err != nil {
		return types.Null, nil, err
	}
	k := func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
		src.mu.Lock()
		defer src.mu.Unlock()
		return mapUnaryOpt(in[len(in)-1], arrow.PrimitiveTypes.Int32, func(n int32) (int32, bool, error) {
			if n <= 0 {
				return 0, false, errRandBound
			}
			return src.intn(n), true, nil
		})
	}
	from := argTypesOf(args)
	to := append([]types.DataType(nil), from...)
	to[len(to)-1] = types.Int
	ck, err := castArgs(k, from, to)
	return types.Int.WithNullable(bound.Type.Nullable()), ck, err
}

func init() {
	register(
		&expr.ScalarFunction{Name: "RAND", Bind: randBind, NonDeterministic: true, Doc: expr.Doc{Category: "Math", Syntax: "RAND([seed])",
			Description: "Returns a pseudorandom DOUBLE in [0.0, 1.0). With an integer seed the sequence is the same as Flink's for that seed.",
			Examples:    ex("RAND() → 0.7098...", "RAND(42) → 0.7275636800328681")}},
		&expr.ScalarFunction{Name: "RAND_INTEGER", Bind: randIntegerBind, NonDeterministic: true, Doc: expr.Doc{Category: "Math", Syntax: "RAND_INTEGER([seed, ] bound)",
			Description: "Returns a pseudorandom INT in [0, bound). With an integer seed the sequence is the same as Flink's for that seed.",
			Examples:    ex("RAND_INTEGER(10) → 7", "RAND_INTEGER(42, 10) → 0")}},
	)
}
