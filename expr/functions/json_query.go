package functions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// JSON_VALUE, JSON_QUERY and JSON_EXISTS with Flink's ON EMPTY / ON ERROR
// behaviours. The binder passes the behaviours as trailing constant
// arguments:
//
//	JSON_VALUE(json, path[, onEmpty, emptyDefault, onError, errorDefault])
//	    onEmpty, onError: 'NULL' | 'ERROR' | 'DEFAULT'; defaults are STRING
//	JSON_QUERY(json, path[, wrapper[, onEmpty, onError]])
//	    wrapper: 'WITHOUT' | 'CONDITIONAL' | 'UNCONDITIONAL'
//	    onEmpty, onError: 'NULL' | 'ERROR' | 'EMPTY ARRAY' | 'EMPTY OBJECT'
//	JSON_EXISTS(json, path[, onError])
//	    onError: 'TRUE' | 'FALSE' | 'UNKNOWN' | 'ERROR'
//
// "Empty" and "error" follow Flink's SqlJsonUtils: in lax mode a missing
// path, a JSON null or malformed input is empty; in strict mode (the
// default when the path names no mode) they are errors.

// JSONError is the error a JSON function raises under ERROR ON EMPTY or
// ERROR ON ERROR.
type JSONError struct {
	Func string // JSON_VALUE, JSON_QUERY or JSON_EXISTS
	Msg  string
}

func (e *JSONError) Error() string { return e.Msg }

// jsonOutcome classifies one path evaluation.
type jsonOutcome uint8

const (
	jsonFound jsonOutcome = iota
	jsonEmpty
	jsonFailed
)

// jsonLocate evaluates p on doc: the selected value (for a wildcard path,
// the matches gathered into an array), or whether the result is empty or
// an error, with the error's text.
func jsonLocate(p *jsonPath, doc string) ([]byte, jsonOutcome, string) {
	if p == nil {
		return nil, jsonFailed, "Illegal jsonpath spec, format of the spec should be: '<lax|strict> ${expr}'"
	}
	b := strBytes(doc)
	if !json.Valid(b) {
		if p.strict {
			return nil, jsonFailed, fmt.Sprintf("Invalid JSON text: '%s'", doc)
		}
		return nil, jsonEmpty, ""
	}
	vals, failed := p.eval(b)
	if failed {
		return nil, jsonFailed, "No results for path: " + p.src
	}
	var v []byte
	if p.indefinite {
		v = []byte{'['}
		for k, x := range vals {
			if k > 0 {
				v = append(v, ',')
			}
			v = append(v, x...)
		}
		v = append(v, ']')
	} else {
		if len(vals) != 1 {
			if p.strict {
				return nil, jsonFailed, "No results for path: " + p.src
			}
			return nil, jsonEmpty, ""
		}
		v = vals[0]
	}
	if len(v) == 0 || v[0] == 'n' {
		if p.strict {
			return nil, jsonFailed, "Strict jsonpath mode requires a non empty returned value, but is null"
		}
		return nil, jsonEmpty, ""
	}
	return v, jsonFound, ""
}

// jsonSelect returns the value p selects in doc, if any.
func jsonSelect(p *jsonPath, doc string) ([]byte, bool) {
	v, res, _ := jsonLocate(p, doc)
	return v, res == jsonFound
}

func jsonArgs(name string, args []expr.Arg, max int) error {
	return checkSig(name, name+"(STRING, STRING)", args, 2, max, isStrArg)
}

// constChoice returns the constant string argument a when it is one of
// the allowed values.
func constChoice(a expr.Arg, allowed ...string) (string, bool) {
	s, ok := constStr(a)
	s = strings.ToUpper(s)
	for _, x := range allowed {
		if ok && s == x {
			return s, true
		}
	}
	return "", false
}

func bindJSONValue(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "JSON_VALUE(STRING, STRING[, 'NULL' | 'ERROR' | 'DEFAULT', STRING, 'NULL' | 'ERROR' | 'DEFAULT', STRING])"
	if len(args) != 2 && len(args) != 6 {
		return types.Null, nil, sigErr("JSON_VALUE", args, sig)
	}
	if err := checkSig("JSON_VALUE", sig, args, 2, 6, isStrArg); err != nil {
		return types.Null, nil, err
	}
	onEmpty, onError := "NULL", "NULL"
	if len(args) == 6 {
		var ok1, ok2 bool
		onEmpty, ok1 = constChoice(args[2], "NULL", "ERROR", "DEFAULT")
		onError, ok2 = constChoice(args[4], "NULL", "ERROR", "DEFAULT")
		if !ok1 || !ok2 {
			return types.Null, nil, sigErr("JSON_VALUE", args, sig)
		}
	}
	path, err := pathArg(args)
	if err != nil {
		return types.Null, nil, err
	}
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		doc, p := strAt(a[0]), path(a)
		out := newStrCol(rows, rowsDataHint(a))
		// The DEFAULT columns' accessors are made once per batch, not per
		// row that falls back to them.
		var defs [6]func(int) string
		if len(a) == 6 {
			defs[3], defs[5] = strAt(a[3]), strAt(a[5])
		}
		// apply emits the behaviour kind for row i; def is the column of
		// its DEFAULT value.
		apply := func(i int, kind string, def int, msg string) error {
			switch kind {
			case "ERROR":
				return &JSONError{Func: "JSON_VALUE", Msg: msg}
			case "DEFAULT":
				if !isNullAt(a[def], i) {
					out.add(defs[def](i))
					return nil
				}
			}
			out.null()
			return nil
		}
		for i := 0; i < rows; i++ {
			if isNullAt(a[0], i) || isNullAt(a[1], i) {
				out.null()
				continue
			}
			pi := p(i)
			v, res, msg := jsonLocate(pi, doc(i))
			if res == jsonFound {
				if v[0] != '{' && v[0] != '[' {
					if d, ok := appendJSONScalar(out.data, v); ok {
						out.data = d
						out.commit()
						continue
					}
					res, msg = jsonFailed, fmt.Sprintf("Invalid JSON value: '%s'", v)
				} else if pi.strict {
					res, msg = jsonFailed, fmt.Sprintf("Strict jsonpath mode requires scalar value, and the actual value is: '%s'", v)
				} else {
					res = jsonEmpty
				}
			}
			var err error
			if res == jsonEmpty {
				err = apply(i, onEmpty, 3, "Empty result of JSON_VALUE function is not allowed")
			} else {
				err = apply(i, onError, 5, msg)
			}
			if err != nil {
				return nil, err
			}
		}
		return out.finish(false), nil
	}
	return types.String.WithNullable(true), k, nil
}

var jsonQueryBehaviors = []string{"NULL", "ERROR", "EMPTY ARRAY", "EMPTY OBJECT"}

func bindJSONQuery(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "JSON_QUERY(STRING, STRING[, 'WITHOUT' | 'CONDITIONAL' | 'UNCONDITIONAL'[, onEmpty, onError]])"
	if err := jsonArgs("JSON_QUERY", args, 5); err != nil || len(args) == 4 {
		return types.Null, nil, sigErr("JSON_QUERY", args, sig)
	}
	wrap, onEmpty, onError := "WITHOUT", "NULL", "NULL"
	ok := true
	if len(args) >= 3 {
		wrap, ok = constChoice(args[2], "WITHOUT", "CONDITIONAL", "UNCONDITIONAL")
	}
	if len(args) == 5 && ok {
		var ok2 bool
		onEmpty, ok = constChoice(args[3], jsonQueryBehaviors...)
		onError, ok2 = constChoice(args[4], jsonQueryBehaviors...)
		ok = ok && ok2
	}
	if !ok {
		return types.Null, nil, sigErr("JSON_QUERY", args, sig)
	}
	path, err := pathArg(args)
	if err != nil {
		return types.Null, nil, err
	}
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		doc, p := strAt(a[0]), path(a)
		out := newStrCol(rows, rowsDataHint(a))
		var buf bytes.Buffer
		for i := 0; i < rows; i++ {
			if isNullAt(a[0], i) || isNullAt(a[1], i) {
				out.null()
				continue
			}
			pi := p(i)
			v, res, msg := jsonLocate(pi, doc(i))
			if res == jsonFound {
				// Flink wraps anything but an array under CONDITIONAL.
				wrapped := wrap == "UNCONDITIONAL" || wrap == "CONDITIONAL" && v[0] != '['
				switch {
				case wrapped || v[0] == '{' || v[0] == '[':
					buf.Reset()
					if wrapped {
						buf.WriteByte('[')
					}
					if json.Compact(&buf, v) == nil {
						if wrapped {
							buf.WriteByte(']')
						}
						out.data = append(out.data, buf.Bytes()...)
						out.commit()
						continue
					}
					res, msg = jsonFailed, fmt.Sprintf("Invalid JSON value: '%s'", v)
				case pi.strict:
					res, msg = jsonFailed, fmt.Sprintf("Strict jsonpath mode requires array or object value, and the actual value is: '%s'", v)
				default:
					res = jsonEmpty
				}
			}
			kind := onError
			if res == jsonEmpty {
				kind, msg = onEmpty, "Empty result of JSON_QUERY function is not allowed"
			}
			switch kind {
			case "ERROR":
				return nil, &JSONError{Func: "JSON_QUERY", Msg: msg}
			case "EMPTY ARRAY":
				out.add("[]")
			case "EMPTY OBJECT":
				out.add("{}")
			default:
				out.null()
			}
		}
		return out.finish(false), nil
	}
	return types.String.WithNullable(true), k, nil
}

func bindJSONExists(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "JSON_EXISTS(STRING, STRING[, 'TRUE' | 'FALSE' | 'UNKNOWN' | 'ERROR'])"
	if err := jsonArgs("JSON_EXISTS", args, 3); err != nil {
		return types.Null, nil, sigErr("JSON_EXISTS", args, sig)
	}
	onError := "FALSE"
	if len(args) == 3 {
		var ok bool
		if onError, ok = constChoice(args[2], "TRUE", "FALSE", "UNKNOWN", "ERROR"); !ok {
			return types.Null, nil, sigErr("JSON_EXISTS", args, sig)
		}
	}
	path, err := pathArg(args)
	if err != nil {
		return types.Null, nil, err
	}
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		doc, p := strAt(a[0]), path(a)
		n := bitutil.BytesForBits(int64(rows))
		vals, valid := make([]byte, n), make([]byte, n)
		for i := 0; i < rows; i++ {
			if isNullAt(a[0], i) || isNullAt(a[1], i) {
				continue
			}
			_, res, msg := jsonLocate(p(i), doc(i))
			var v bool
			switch {
			case res != jsonFailed:
				v = res == jsonFound
			case onError == "ERROR":
				return nil, &JSONError{Func: "JSON_EXISTS", Msg: msg}
			case onError == "UNKNOWN":
				continue
			default:
				v = onError == "TRUE"
			}
			bitutil.SetBit(valid, i)
			if v {
				bitutil.SetBit(vals, i)
			}
		}
		return boolCol(vals, valid, rows), nil
	}
	return types.Boolean.WithNullable(argsNullable(args[:2]) || onError == "UNKNOWN"), k, nil
}
