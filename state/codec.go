package state

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/types"
)

// EncodeValue appends the binary encoding of Go value v (see package
// types; nil is NULL) of type t to buf. Equal values encode to equal bytes,
// so encodings can key maps.
func EncodeValue(buf []byte, v any, t types.DataType) ([]byte, error) {
	if v == nil {
		return append(buf, 0), nil
	}
	buf = append(buf, 1)
	bad := func() ([]byte, error) { return nil, fmt.Errorf("state: cannot encode %T as %s", v, t) }
	switch t.Kind {
	case types.KindBoolean:
		b, ok := v.(bool)
		if !ok {
			return bad()
		}
		if b {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case types.KindTinyInt:
		x, ok := v.(int8)
		if !ok {
			return bad()
		}
		return binary.AppendVarint(buf, int64(x)), nil
	case types.KindSmallInt:
		x, ok := v.(int16)
		if !ok {
			return bad()
		}
		return binary.AppendVarint(buf, int64(x)), nil
	case types.KindInt, types.KindDate, types.KindTime, types.KindIntervalYearMonth:
		x, ok := v.(int32)
		if !ok {
			return bad()
		}
		return binary.AppendVarint(buf, int64(x)), nil
	case types.KindBigInt, types.KindTimestamp, types.KindTimestampLTZ, types.KindIntervalDayTime:
		x, ok := v.(int64)
		if !ok {
			return bad()
		}
		return binary.AppendVarint(buf, x), nil
	case types.KindFloat:
		x, ok := v.(float32)
		if !ok {
			return bad()
		}
		return binary.LittleEndian.AppendUint32(buf, math.Float32bits(x)), nil
	case types.KindDouble:
		x, ok := v.(float64)
		if !ok {
			return bad()
		}
		return binary.LittleEndian.AppendUint64(buf, math.Float64bits(x)), nil
	case types.KindDecimal:
		x, ok := v.(decimal128.Num)
		if !ok {
			return bad()
		}
		buf = binary.LittleEndian.AppendUint64(buf, x.LowBits())
		return binary.LittleEndian.AppendUint64(buf, uint64(x.HighBits())), nil
	case types.KindChar, types.KindVarChar:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		return append(binary.AppendUvarint(buf, uint64(len(s))), s...), nil
	case types.KindBinary, types.KindVarBinary:
		s, ok := v.([]byte)
		if !ok {
			return bad()
		}
		return append(binary.AppendUvarint(buf, uint64(len(s))), s...), nil
	case types.KindArray, types.KindMultiset, types.KindRow:
		xs, ok := v.([]any)
		if !ok {
			return bad()
		}
		buf = binary.AppendUvarint(buf, uint64(len(xs)))
		for i, x := range xs {
			et := types.DataType{}
			if t.Kind == types.KindRow {
				if i >= len(t.Fields) {
					return bad()
				}
				et = t.Fields[i].Type
			} else {
				et = *t.Elem
			}
			var err error
			if buf, err = EncodeValue(buf, x, et); err != nil {
				return nil, err
			}
		}
		return buf, nil
	case types.KindMap:
		es, ok := v.([]types.MapEntry)
		if !ok {
			return bad()
		}
		buf = binary.AppendUvarint(buf, uint64(len(es)))
		for _, e := range es {
			var err error
			if buf, err = EncodeValue(buf, e.Key, *t.Elem); err != nil {
				return nil, err
			}
			if buf, err = EncodeValue(buf, e.Value, *t.Value); err != nil {
				return nil, err
			}
		}
		return buf, nil
	}
	return bad()
}

// DecodeValue reads a value of type t encoded by EncodeValue from buf and
// returns it with the rest of buf.
func DecodeValue(buf []byte, t types.DataType) (any, []byte, error) {
	short := fmt.Errorf("state: truncated %s value", t)
	if len(buf) == 0 {
		return nil, nil, short
	}
	present := buf[0]
	buf = buf[1:]
	if present == 0 {
		return nil, buf, nil
	}
	varint := func() (int64, error) {
		x, n := binary.Varint(buf)
		if n <= 0 {
			return 0, short
		}
		buf = buf[n:]
		return x, nil
	}
	uvarint := func() (uint64, error) {
		x, n := binary.Uvarint(buf)
		if n <= 0 {
			return 0, short
		}
		buf = buf[n:]
		return x, nil
	}
	fixed := func(n int) ([]byte, error) {
		if len(buf) < n {
			return nil, short
		}
		b := buf[:n]
		buf = buf[n:]
		return b, nil
	}
	switch t.Kind {
	case types.KindBoolean:
		b, err := fixed(1)
		if err != nil {
			return nil, nil, err
		}
		return b[0] == 1, buf, nil
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindDate, types.KindTime, types.KindIntervalYearMonth,
		types.KindBigInt, types.KindTimestamp, types.KindTimestampLTZ, types.KindIntervalDayTime:
		x, err := varint()
		if err != nil {
			return nil, nil, err
		}
		switch t.Kind {
		case types.KindTinyInt:
			return int8(x), buf, nil
		case types.KindSmallInt:
			return int16(x), buf, nil
		case types.KindBigInt, types.KindTimestamp, types.KindTimestampLTZ, types.KindIntervalDayTime:
			return x, buf, nil
		}
		return int32(x), buf, nil
	case types.KindFloat:
		b, err := fixed(4)
		if err != nil {
			return nil, nil, err
		}
		return math.Float32frombits(binary.LittleEndian.Uint32(b)), buf, nil
	case types.KindDouble:
		b, err := fixed(8)
		if err != nil {
			return nil, nil, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), buf, nil
	case types.KindDecimal:
		b, err := fixed(16)
		if err != nil {
			return nil, nil, err
		}
		return decimal128.New(int64(binary.LittleEndian.Uint64(b[8:])), binary.LittleEndian.Uint64(b)), buf, nil
	case types.KindChar, types.KindVarChar, types.KindBinary, types.KindVarBinary:
		n, err := uvarint()
		if err != nil {
			return nil, nil, err
		}
		b, err := fixed(int(n))
		if err != nil {
			return nil, nil, err
		}
		if t.Kind.IsString() {
			return string(b), buf, nil
		}
		return append([]byte(nil), b...), buf, nil
	case types.KindArray, types.KindMultiset, types.KindRow, types.KindMap:
		n, err := uvarint()
		if err != nil {
			return nil, nil, err
		}
		if n > uint64(len(buf)) {
			return nil, nil, short // every element takes at least one byte
		}
		if t.Kind == types.KindMap {
			out := make([]types.MapEntry, n)
			for i := range out {
				if out[i].Key, buf, err = DecodeValue(buf, *t.Elem); err != nil {
					return nil, nil, err
				}
				if out[i].Value, buf, err = DecodeValue(buf, *t.Value); err != nil {
					return nil, nil, err
				}
			}
			return out, buf, nil
		}
		out := make([]any, n)
		for i := range out {
			et := types.DataType{}
			if t.Kind == types.KindRow {
				if i >= len(t.Fields) {
					return nil, nil, fmt.Errorf("state: row value has more fields than %s", t)
				}
				et = t.Fields[i].Type
			} else {
				et = *t.Elem
			}
			if out[i], buf, err = DecodeValue(buf, et); err != nil {
				return nil, nil, err
			}
		}
		return out, buf, nil
	}
	return nil, nil, fmt.Errorf("state: cannot decode %s", t)
}
