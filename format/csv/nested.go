package csv

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// ARRAY and ROW columns hold their elements in one field, separated by
// array-element-delimiter; elements are flat (Flink's CSV format has a
// single element delimiter, so deeper nesting cannot be told apart).

// elements calls f on each element of s, with whether it is null.
func (c *config) elements(s []byte, f func(e []byte, null bool) error) error {
	if len(s) == 0 {
		return nil
	}
	sep := []byte(c.arrayDelim)
	for {
		e, rest, found := bytes.Cut(s, sep)
		if err := f(e, c.isNullText(e)); err != nil {
			return err
		}
		if !found {
			return nil
		}
		s = rest
	}
}

type arrayCell struct {
	b    *array.ListBuilder
	elem cellDecoder
	cfg  *config
	val  []byte
}

func (a *arrayCell) parse(s []byte) error {
	a.val = s
	return a.cfg.elements(s, func(e []byte, null bool) error {
		if null {
			return nil
		}
		if err := a.elem.parse(e); err != nil && !a.cfg.ignoreErrors {
			return err
		}
		return nil
	})
}

func (a *arrayCell) commit() {
	a.b.Append(true)
	_ = a.cfg.elements(a.val, func(e []byte, null bool) error {
		if null || a.elem.parse(e) != nil { // a bad element is NULL under ignore-parse-errors
			a.elem.null()
		} else {
			a.elem.commit()
		}
		return nil
	})
}

func (a *arrayCell) null() { a.b.AppendNull() }

type rowCell struct {
	b      *array.StructBuilder
	fields []cellDecoder
	isNull []bool
	cfg    *config
}

func (r *rowCell) parse(s []byte) error {
	i := 0
	err := r.cfg.elements(s, func(e []byte, null bool) error {
		if i >= len(r.fields) {
			return nil
		}
		r.isNull[i] = null
		if !null {
			if err := r.fields[i].parse(e); err != nil {
				if !r.cfg.ignoreErrors {
					return err
				}
				r.isNull[i] = true
			}
		}
		i++
		return nil
	})
	if err != nil {
		return err
	}
	if i < len(r.fields) {
		if !r.cfg.ignoreErrors {
			return fmt.Errorf("row length mismatch. %d fields expected but was %d", len(r.fields), i)
		}
		for ; i < len(r.fields); i++ {
			r.isNull[i] = true
		}
	}
	return nil
}

func (r *rowCell) commit() {
	r.b.Append(true)
	for i, f := range r.fields {
		if r.isNull[i] {
			f.null()
		} else {
			f.commit()
		}
	}
}

func (r *rowCell) null() { r.b.AppendNull() }
