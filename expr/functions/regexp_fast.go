package functions

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// fastRE matches the small patterns streaming SQL uses most (literals,
// anchors, alternations and captures around them, runs of one character
// class such as `[^&]*`) several times faster than Go's regexp, whose
// backtracker pays a visited-set reset and a rune decode per position for
// every start position it tries. It gives exactly regexp's answers
// (leftmost-first, Perl flags) because it runs the same search in the same
// priority order; where it cannot say (a pattern it does not handle, or a
// search that exceeds its step budget) the caller asks regexp instead.
//
// Start positions are found by scanning for the bytes a match can begin
// with, so a URL is searched at its '&'s rather than at every byte.
type fastRE struct {
	prog    []reInst
	classes []reClass
	ncap    int // capture slots, 2*(groups+1)
	// first holds the bytes a non-empty match at a position > 0 may start
	// with; anyStart is set when every position must be tried (an empty
	// match is possible there, or a non-ASCII first byte).
	first    [256]bool
	firstOne int // the only byte of first, or -1
	anyStart bool
}

type reOp uint8

const (
	opLit   reOp = iota // the literal bytes lit
	opClass             // one rune of classes[cls]
	opBegin             // start of text
	opEnd               // end of text
	opSplit             // try x, then y
	opJmp               // continue at x
	opSave              // capture slot x = position
	opRep               // a run of at least min runes of classes[cls]
	opMatch
)

type reInst struct {
	op   reOp
	lazy bool
	min  int
	x, y int
	cls  int
	lit  string
}

// reClass is a set of runes: a bitmap for ASCII, sorted ranges beyond.
type reClass struct {
	ascii [2]uint64
	wide  []rune // lo, hi pairs of the ranges at or above utf8.RuneSelf
}

// width is the byte width of the rune of s at pos when it is in the class,
// else 0. Invalid UTF-8 reads as utf8.RuneError of width 1, as in regexp.
func (c *reClass) width(s string, pos int) int {
	if pos >= len(s) {
		return 0
	}
	b := s[pos]
	if b < utf8.RuneSelf {
		if c.ascii[b>>6]&(1<<(b&63)) != 0 {
			return 1
		}
		return 0
	}
	if len(c.wide) == 0 {
		return 0
	}
	r, w := utf8.DecodeRuneInString(s[pos:])
	for i := 0; i < len(c.wide); i += 2 {
		if r < c.wide[i] {
			return 0
		}
		if r <= c.wide[i+1] {
			return w
		}
	}
	return 0
}

func newReClass(ranges []rune) reClass {
	var c reClass
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
			c.ascii[r>>6] |= 1 << (r & 63)
		}
		if hi >= utf8.RuneSelf {
			c.wide = append(c.wide, max(lo, utf8.RuneSelf), hi)
		}
	}
	return c
}

// compileFast returns the fast matcher of pattern, or nil when the pattern
// uses what it does not handle (case folding, line anchors, word
// boundaries, repetition of more than one character).
func compileFast(pattern string) *fastRE {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	ncap := re.MaxCap()
	re = re.Simplify()
	f := &fastRE{ncap: 2 * (ncap + 1), firstOne: -1}
	f.emit(reInst{op: opSave, x: 0})
	if !f.compile(re) {
		return nil
	}
	f.emit(reInst{op: opSave, x: 1})
	f.emit(reInst{op: opMatch})
	var fs byteSet
	nullable := firstSet(re, &fs)
	f.anyStart = nullable
	n := 0
	for b := range 256 {
		if fs.has(byte(b)) {
			f.first[b] = true
			f.firstOne = b
			n++
			if b >= utf8.RuneSelf {
				f.anyStart = true
			}
		}
	}
	if n != 1 {
		f.firstOne = -1
	}
	return f
}

func (f *fastRE) emit(in reInst) int {
	f.prog = append(f.prog, in)
	return len(f.prog) - 1
}

// class returns the index of a new class of the given rune ranges.
func (f *fastRE) class(ranges []rune) int {
	f.classes = append(f.classes, newReClass(ranges))
	return len(f.classes) - 1
}

// single returns the rune ranges of a one-rune node, or false.
func single(re *syntax.Regexp) ([]rune, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 1 && re.Flags&syntax.FoldCase == 0 && re.Rune[0] != utf8.RuneError {
			return []rune{re.Rune[0], re.Rune[0]}, true
		}
	case syntax.OpCharClass:
		return re.Rune, true
	case syntax.OpAnyCharNotNL:
		return []rune{0, '\n' - 1, '\n' + 1, utf8.MaxRune}, true
	case syntax.OpAnyChar:
		return []rune{0, utf8.MaxRune}, true
	}
	return nil, false
}

func (f *fastRE) compile(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return false
		}
		for _, r := range re.Rune {
			if r == utf8.RuneError || !utf8.ValidRune(r) {
				return false
			}
		}
		f.emit(reInst{op: opLit, lit: string(re.Rune)})
		return true
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		rs, _ := single(re)
		f.emit(reInst{op: opClass, cls: f.class(rs)})
		return true
	case syntax.OpBeginText:
		f.emit(reInst{op: opBegin})
		return true
	case syntax.OpEndText:
		f.emit(reInst{op: opEnd})
		return true
	case syntax.OpCapture:
		f.emit(reInst{op: opSave, x: 2 * re.Cap})
		if !f.compile(re.Sub[0]) {
			return false
		}
		f.emit(reInst{op: opSave, x: 2*re.Cap + 1})
		return true
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !f.compile(s) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		var jumps []int
		for i, s := range re.Sub {
			split := -1
			if i < len(re.Sub)-1 {
				split = f.emit(reInst{op: opSplit})
				f.prog[split].x = split + 1
			}
			if !f.compile(s) {
				return false
			}
			if split >= 0 {
				jumps = append(jumps, f.emit(reInst{op: opJmp}))
				f.prog[split].y = len(f.prog)
			}
		}
		for _, j := range jumps {
			f.prog[j].x = len(f.prog)
		}
		return true
	case syntax.OpQuest:
		split := f.emit(reInst{op: opSplit})
		if !f.compile(re.Sub[0]) {
			return false
		}
		body, after := split+1, len(f.prog)
		if re.Flags&syntax.NonGreedy != 0 {
			body, after = after, body
		}
		f.prog[split].x, f.prog[split].y = body, after
		return true
	case syntax.OpStar, syntax.OpPlus:
		rs, ok := single(re.Sub[0])
		if !ok {
			return false
		}
		in := reInst{op: opRep, cls: f.class(rs), lazy: re.Flags&syntax.NonGreedy != 0}
		if re.Op == syntax.OpPlus {
			in.min = 1
		}
		f.emit(in)
		return true
	}
	return false
}

// byteSet is a set of bytes.
type byteSet [4]uint64

func (s *byteSet) add(b byte)      { s[b>>6] |= 1 << (b & 63) }
func (s *byteSet) has(b byte) bool { return s[b>>6]&(1<<(b&63)) != 0 }

// firstSet adds to fs the bytes a match of re at a position > 0 can start
// with and reports whether re can match empty there (end-of-text counts
// as possibly empty; start-of-text cannot match at all).
func firstSet(re *syntax.Regexp, fs *byteSet) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpEndText:
		return true
	case syntax.OpBeginText, syntax.OpNoMatch:
		return false
	case syntax.OpLiteral:
		var buf [utf8.UTFMax]byte
		utf8.EncodeRune(buf[:], re.Rune[0])
		fs.add(buf[0])
		return false
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		rs, _ := single(re)
		c := newReClass(rs)
		for b := range utf8.RuneSelf {
			if c.ascii[b>>6]&(1<<(b&63)) != 0 {
				fs.add(byte(b))
			}
		}
		if len(c.wide) > 0 {
			for b := utf8.RuneSelf; b < 256; b++ {
				fs.add(byte(b))
			}
		}
		return false
	case syntax.OpCapture:
		return firstSet(re.Sub[0], fs)
	case syntax.OpStar, syntax.OpQuest:
		firstSet(re.Sub[0], fs)
		return true
	case syntax.OpPlus:
		return firstSet(re.Sub[0], fs)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !firstSet(s, fs) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		nullable := false
		for _, s := range re.Sub {
			if firstSet(s, fs) {
				nullable = true
			}
		}
		return nullable
	}
	// Anything else was refused by compile; be conservative.
	return true
}

// reScratch is the per-call working memory of fastRE searches, so that a
// search allocates nothing.
type reScratch struct {
	caps   []int
	stack  []int
	s      string
	budget int
	re     *fastRE
}

// find returns the capture slots of the leftmost match of s (nil when
// there is none) and whether the answer is known; on false the caller
// must ask regexp.
func (f *fastRE) find(s string, sc *reScratch) ([]int, bool) {
	if cap(sc.caps) < f.ncap {
		sc.caps = make([]int, f.ncap)
	}
	sc.caps = sc.caps[:f.ncap]
	for i := range sc.caps {
		sc.caps[i] = -1
	}
	sc.s, sc.re = s, f
	// A backtracking search can take time exponential in the pattern; past
	// a budget linear in the input, regexp's guaranteed bound is better.
	sc.budget = 256 + 16*len(f.prog)*(len(s)+1)
	if sc.run(0, 0) {
		return sc.caps, true
	}
	if sc.budget < 0 {
		return nil, false
	}
	switch {
	case f.anyStart:
		for pos := 0; pos < len(s); {
			_, w := utf8.DecodeRuneInString(s[pos:])
			pos += w
			if sc.run(0, pos) {
				return sc.caps, true
			}
			if sc.budget < 0 {
				return nil, false
			}
		}
	case f.firstOne >= 0:
		b := byte(f.firstOne)
		for pos := 1; pos < len(s); {
			j := strings.IndexByte(s[pos:], b)
			if j < 0 {
				break
			}
			pos += j
			if sc.run(0, pos) {
				return sc.caps, true
			}
			if sc.budget < 0 {
				return nil, false
			}
			pos++
		}
	default:
		for pos := 1; pos < len(s); pos++ {
			if !f.first[s[pos]] {
				continue
			}
			if sc.run(0, pos) {
				return sc.caps, true
			}
			if sc.budget < 0 {
				return nil, false
			}
		}
	}
	return nil, true
}

// run reports whether the program matches from instruction pc at byte pos,
// trying alternatives in regexp's priority order.
func (sc *reScratch) run(pc, pos int) bool {
	prog, s := sc.re.prog, sc.s
	for {
		sc.budget--
		if sc.budget < 0 {
			return false
		}
		in := &prog[pc]
		switch in.op {
		case opLit:
			if !strings.HasPrefix(s[pos:], in.lit) {
				return false
			}
			pos += len(in.lit)
			pc++
		case opClass:
			w := sc.re.classes[in.cls].width(s, pos)
			if w == 0 {
				return false
			}
			pos += w
			pc++
		case opBegin:
			if pos != 0 {
				return false
			}
			pc++
		case opEnd:
			if pos != len(s) {
				return false
			}
			pc++
		case opSplit:
			if sc.run(in.x, pos) {
				return true
			}
			if sc.budget < 0 {
				return false
			}
			pc = in.y
		case opJmp:
			pc = in.x
		case opSave:
			old := sc.caps[in.x]
			sc.caps[in.x] = pos
			if sc.run(pc+1, pos) {
				return true
			}
			sc.caps[in.x] = old
			return false
		case opRep:
			return sc.rep(in, pc, pos)
		case opMatch:
			return true
		}
	}
}

// rep runs a repetition of one class: greedy tries the longest run first,
// lazy the shortest, each followed by the rest of the program.
func (sc *reScratch) rep(in *reInst, pc, pos int) bool {
	c := &sc.re.classes[in.cls]
	s := sc.s
	if in.lazy {
		for n := 0; ; n++ {
			if n >= in.min && sc.run(pc+1, pos) {
				return true
			}
			if sc.budget < 0 {
				return false
			}
			w := c.width(s, pos)
			if w == 0 {
				return false
			}
			pos += w
		}
	}
	if len(c.wide) == 0 {
		// ASCII-only classes never match a multi-byte rune: every
		// step is one byte.
		end := pos
		for end < len(s) && s[end] < utf8.RuneSelf && c.ascii[s[end]>>6]&(1<<(s[end]&63)) != 0 {
			end++
		}
		sc.budget -= end - pos
		for e := end; e >= pos+in.min; e-- {
			if sc.run(pc+1, e) {
				return true
			}
			if sc.budget < 0 {
				return false
			}
		}
		return false
	}
	base := len(sc.stack)
	defer func() { sc.stack = sc.stack[:base] }()
	sc.stack = append(sc.stack, pos)
	for {
		w := c.width(s, pos)
		if w == 0 {
			break
		}
		pos += w
		sc.stack = append(sc.stack, pos)
	}
	sc.budget -= len(sc.stack) - base
	for k := len(sc.stack) - 1; k >= base+in.min; k-- {
		if sc.run(pc+1, sc.stack[k]) {
			return true
		}
		if sc.budget < 0 {
			return false
		}
	}
	return false
}
