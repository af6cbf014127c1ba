package format

import "github.com/apache/arrow-go/v18/arrow/array"

// Reserver keeps the sizes of a set of builders' last batch so that, after
// the batch is flushed, the builders can take room for as much again at
// once. Without it every batch regrows each buffer by doubling, copying
// and zeroing it several times; for ~1 KB JSON records that was a quarter
// of the decoding time.
type Reserver struct {
	all  []array.Builder // every builder, nested ones included
	rows []int
	data []int
}

// NewReserver collects builders and their nested builders.
func NewReserver(builders []array.Builder) *Reserver {
	r := &Reserver{}
	for _, b := range builders {
		r.collect(b)
	}
	r.rows = make([]int, len(r.all))
	r.data = make([]int, len(r.all))
	return r
}

func (r *Reserver) collect(b array.Builder) {
	if b == nil {
		return
	}
	r.all = append(r.all, b)
	switch b := b.(type) {
	case *array.StructBuilder:
		for i := 0; i < b.NumField(); i++ {
			r.collect(b.FieldBuilder(i))
		}
	case *array.ListBuilder:
		r.collect(b.ValueBuilder())
	case *array.MapBuilder:
		r.collect(b.KeyBuilder())
		r.collect(b.ItemBuilder())
	}
}

// Measure records the builders' current sizes; call it just before the
// batch is built from them.
func (r *Reserver) Measure() {
	for i, b := range r.all {
		r.rows[i] = b.Len()
		if bb, ok := b.(binaryLike); ok {
			r.data[i] = bb.DataLen()
		}
	}
}

// Reserve gives each builder room for the sizes last measured; call it
// after the batch is built.
func (r *Reserver) Reserve() {
	for i, b := range r.all {
		if r.rows[i] > 0 {
			b.Reserve(r.rows[i])
		}
		if bb, ok := b.(binaryLike); ok && r.data[i] > 0 {
			bb.ReserveData(r.data[i])
		}
	}
}

type binaryLike interface {
	DataLen() int
	ReserveData(int)
}
