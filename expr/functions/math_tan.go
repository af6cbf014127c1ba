package functions

import "math"

// javaTan is the tangent exactly as Java's StrictMath.tan (fdlibm 5.3,
// which HotSpot's Math.tan matches) computes it. Go's math.Tan uses other
// polynomials and differs in the last digit for some inputs (tan(1)), and
// Flink's TAN and COT (1 / Math.tan(x)) print every digit of the double.
//
// The method is fdlibm's: reduce x to y0 + y1 in [-pi/4, pi/4] with the
// quadrant n (Cody-Waite with pi/2 split in three parts), then evaluate
// tan(y) (n even) or -1/tan(y) (n odd) with a degree-27 odd polynomial.
// Arguments beyond 2^20 * pi/2 fall back to math.Tan (Payne-Hanek
// reduction is not reproduced).
func javaTan(x float64) float64 {
	ix := int32(math.Float64bits(x)>>32) & 0x7fffffff
	switch {
	case ix <= 0x3fe921fb: // |x| <= pi/4
		return kernelTan(x, 0, 1)
	case ix >= 0x7ff00000: // NaN or Inf
		return math.NaN()
	case ix > 0x413921fb: // |x| > 2^20 * pi/2
		return math.Tan(x)
	}
	n, y0, y1 := remPio2(x)
	return kernelTan(y0, y1, 1-((n&1)<<1))
}

// Cody-Waite pieces of pi/2 (fdlibm e_rem_pio2.c): pio2_1 has 33 bits,
// pio2_1t = pi/2 - pio2_1, and so on for the second and third pieces.
const (
	invPio2 = 6.36619772367581382433e-01
	pio2_1  = 1.57079632673412561417e+00
	pio2_1t = 6.07710050650619224932e-11
	pio2_2  = 6.07710050630396597660e-11
	pio2_2t = 2.02226624879595063154e-21
	pio2_3  = 2.02226624871116645580e-21
	pio2_3t = 8.47842766036889956997e-32
)

// remPio2 returns n and y0 + y1 = x - n*pi/2 for |x| <= 2^20 * pi/2.
func remPio2(x float64) (int, float64, float64) {
	hx := int32(math.Float64bits(x) >> 32)
	ix := hx & 0x7fffffff
	if ix < 0x4002d97c { // |x| < 3pi/4: n = ±1
		if hx > 0 {
			z := x - pio2_1
			if ix != 0x3ff921fb {
				y0 := z - pio2_1t
				return 1, y0, (z - y0) - pio2_1t
			}
			z -= pio2_2 // x near pi/2: 33 more bits
			y0 := z - pio2_2t
			return 1, y0, (z - y0) - pio2_2t
		}
		z := x + pio2_1
		if ix != 0x3ff921fb {
			y0 := z + pio2_1t
			return -1, y0, (z - y0) + pio2_1t
		}
		z += pio2_2
		y0 := z + pio2_2t
		return -1, y0, (z - y0) + pio2_2t
	}
	t := math.Abs(x)
	n := int(t*invPio2 + 0.5)
	fn := float64(n)
	r := t - fn*pio2_1
	w := fn * pio2_1t // first round: good to 85 bits
	j := int(ix >> 20)
	y0 := r - w
	if i := j - int(math.Float64bits(y0)>>52&0x7ff); i > 16 {
		// Cancellation: a second round, good to 118 bits.
		t = r
		w = fn * pio2_2
		r = t - w
		w = fn*pio2_2t - ((t - r) - w)
		y0 = r - w
		if i = j - int(math.Float64bits(y0)>>52&0x7ff); i > 49 {
			// A third round, good to 151 bits.
			t = r
			w = fn * pio2_3
			r = t - w
			w = fn*pio2_3t - ((t - r) - w)
			y0 = r - w
		}
	}
	y1 := (r - y0) - w
	if hx < 0 {
		return -n, -y0, -y1
	}
	return n, y0, y1
}

// Coefficients of fdlibm's tan polynomial on [0, 0.67434].
var tanT = [13]float64{
	3.33333333333334091986e-01, 1.33333333333201242699e-01, 5.39682539762260521377e-02,
	2.18694882948595424599e-02, 8.86323982359930005737e-03, 3.59207910759131235356e-03,
	1.45620945432529025516e-03, 5.88041240820264096874e-04, 2.46463134818469906812e-04,
	7.81794442939557092300e-05, 7.14072491382608190305e-05, -1.85586374855275456654e-05,
	2.59073051863633712884e-05,
}

const (
	pio4   = 7.85398163397448278999e-01
	pio4lo = 3.06161699786838301793e-17
)

// clearLow returns x with the low 32 bits of its representation zeroed.
func clearLow(x float64) float64 {
	return math.Float64frombits(math.Float64bits(x) &^ 0xffffffff)
}

// kernelTan is tan(x + y) for |x| <= pi/4 (iy = 1), or -1/tan(x + y)
// (iy = -1), y being the tail of x.
func kernelTan(x, y float64, iy int) float64 {
	hx := int32(math.Float64bits(x) >> 32)
	ix := hx & 0x7fffffff
	if ix < 0x3e300000 { // |x| < 2^-28
		if int(x) == 0 {
			switch {
			case (uint32(ix)|uint32(math.Float64bits(x)))|uint32(iy+1) == 0:
				return 1 / math.Abs(x)
			case iy == 1:
				return x
			default:
				return negRecip(x, y)
			}
		}
	}
	big := ix >= 0x3fe59428 // |x| >= 0.6744
	if big {
		if hx < 0 {
			x, y = -x, -y
		}
		x = (pio4 - x) + (pio4lo - y)
		y = 0
	}
	z := x * x
	w := z * z
	// x^5 * (T1 + x^2*T2 + ...) split into odd and even parts.
	r := tanT[1] + w*(tanT[3]+w*(tanT[5]+w*(tanT[7]+w*(tanT[9]+w*tanT[11]))))
	v := z * (tanT[2] + w*(tanT[4]+w*(tanT[6]+w*(tanT[8]+w*(tanT[10]+w*tanT[12])))))
	s := z * x
	r = y + z*(s*(r+v)+y)
	r += tanT[0] * s
	w = x + r
	if big {
		v = float64(iy)
		return float64(1-((hx>>30)&2)) * (v - 2*(x-(w*w/(w+v)-r)))
	}
	if iy == 1 {
		return w
	}
	return negRecip(x, r)
}

// negRecip is -1/(x + r) computed with the low-word trick that keeps the
// error under one ulp.
func negRecip(x, r float64) float64 {
	w := x + r
	z := clearLow(w)
	v := r - (z - x)
	a := -1 / w
	t := clearLow(a)
	s := 1 + t*z
	return t + a*(s+t*v)
}
