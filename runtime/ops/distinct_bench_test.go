package ops

import (
	"math/rand"
	"testing"
)

// BenchmarkDistinctMultiAdd adds values of a Nexmark-like id space (mostly
// recent ids) to four views of one set, as q15's four bidder counts do.
func BenchmarkDistinctMultiAdd(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	vals := make([]int64, 1<<16)
	for i := range vals {
		vals[i] = 1000 + int64(i/3) - int64(r.Intn(50))
	}
	var s distinctMulti
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := vals[i&(len(vals)-1)] % 20000
		slot := s.find(v, 4, true)
		s.addAt(slot, 0, 4, 1)
		s.addAt(slot, 1+i&1, 4, 1)
	}
}
