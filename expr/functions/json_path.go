package functions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// A small SQL/JSON path engine: '$', '.key', '.*', ['key'], [n], [*],
// with an optional 'lax' or 'strict' mode prefix. Paths compile once;
// evaluation walks the raw document bytes and returns sub-slices, so
// results keep the document's own key order and number spelling.

type jsonStepKind uint8

const (
	stepKey jsonStepKind = iota
	stepIndex
	stepWildcard // every member value of an object or element of an array
)

type jsonStep struct {
	kind  jsonStepKind
	key   string
	index int
}

// jsonPath is a compiled path. Definite paths (no wildcard) select at
// most one value; indefinite ones collect their matches into an array.
type jsonPath struct {
	src        string
	strict     bool
	steps      []jsonStep
	indefinite bool
}

var jsonPathCache sync.Map // source → *jsonPath

// compileJSONPath parses a path, reusing earlier compilations.
func compileJSONPath(src string) (*jsonPath, error) {
	if p, ok := jsonPathCache.Load(src); ok {
		return p.(*jsonPath), nil
	}
	// Without a mode prefix a path is strict, as in Flink.
	p := &jsonPath{src: src, strict: true}
	s := strings.TrimSpace(src)
	if rest, ok := strings.CutPrefix(s, "strict "); ok {
		s = strings.TrimSpace(rest)
	} else if rest, ok := strings.CutPrefix(s, "lax "); ok {
		p.strict, s = false, strings.TrimSpace(rest)
	}
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("invalid JSON path '%s': it must start with '$'", src)
	}
	for i := 1; i < len(s); {
		switch s[i] {
		case '.':
			j := i + 1
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			name := s[i+1 : j]
			switch name {
			case "":
				return nil, fmt.Errorf("invalid JSON path '%s': empty member name at position %d", src, i)
			case "*":
				p.steps = append(p.steps, jsonStep{kind: stepWildcard})
				p.indefinite = true
			default:
				p.steps = append(p.steps, jsonStep{kind: stepKey, key: name})
			}
			i = j
		case '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("invalid JSON path '%s': unclosed '[' at position %d", src, i)
			}
			in := strings.TrimSpace(s[i+1 : i+end])
			switch {
			case in == "*":
				p.steps = append(p.steps, jsonStep{kind: stepWildcard})
				p.indefinite = true
			case len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0]:
				p.steps = append(p.steps, jsonStep{kind: stepKey, key: in[1 : len(in)-1]})
			default:
				n, err := strconv.Atoi(in)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("invalid JSON path '%s': bad array subscript '%s'", src, in)
				}
				p.steps = append(p.steps, jsonStep{kind: stepIndex, index: n})
			}
			i += end + 1
		case ' ':
			i++
		default:
			return nil, fmt.Errorf("invalid JSON path '%s': unexpected '%c' at position %d", src, s[i], i)
		}
	}
	jsonPathCache.Store(src, p)
	return p, nil
}

// eval applies the path to a valid JSON document. It returns the selected
// values and whether evaluation hit a structural error (strict definite
// paths only; otherwise those are no match).
func (p *jsonPath) eval(doc []byte) (vals [][]byte, failed bool) {
	cur := [][]byte{trimJSON(doc)}
	for _, st := range p.steps {
		var next [][]byte
		for _, v := range cur {
			ok := true
			switch st.kind {
			case stepKey:
				if len(v) == 0 || v[0] != '{' {
					ok = false
					break
				}
				found := false
				jsonMembers(v, func(k string, val []byte) bool {
					if k == st.key {
						next, found = append(next, val), true
						return false
					}
					return true
				})
				ok = found
			case stepIndex:
				if len(v) == 0 || v[0] != '[' {
					ok = false
					break
				}
				n := 0
				found := false
				jsonElements(v, func(val []byte) bool {
					if n == st.index {
						next, found = append(next, val), true
						return false
					}
					n++
					return true
				})
				ok = found
			case stepWildcard:
				switch {
				case len(v) > 0 && v[0] == '[':
					jsonElements(v, func(val []byte) bool { next = append(next, val); return true })
				case len(v) > 0 && v[0] == '{':
					jsonMembers(v, func(_ string, val []byte) bool { next = append(next, val); return true })
				default:
					ok = false
				}
			}
			// Like Jayway JsonPath, only a definite path fails on a
			// missing step; a wildcard path just collects fewer matches.
			if !ok && p.strict && !p.indefinite {
				return nil, true
			}
		}
		cur = next
	}
	return cur, false
}

func trimJSON(b []byte) []byte { return bytes.TrimSpace(b) }

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at i; b is valid JSON.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\n\r", rune(b[i])) {
		i++
	}
	return i
}

// skipString returns the index after the string starting at i.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// jsonMembers calls fn for each member of a valid object until fn
// returns false.
func jsonMembers(obj []byte, fn func(key string, val []byte) bool) {
	i := skipSpace(obj, 1)
	for i < len(obj) && obj[i] == '"' {
		end := skipString(obj, i)
		key := string(obj[i+1 : end-1])
		if strings.IndexByte(key, '\\') >= 0 {
			_ = json.Unmarshal(obj[i:end], &key)
		}
		i = skipSpace(obj, skipSpace(obj, end)+1) // past ':'
		vend := skipValue(obj, i)
		if !fn(key, obj[i:vend]) {
			return
		}
		i = skipSpace(obj, vend)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
}

// jsonElements calls fn for each element of a valid array until fn
// returns false.
func jsonElements(arr []byte, fn func(val []byte) bool) {
	i := skipSpace(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		end := skipValue(arr, i)
		if !fn(arr[i:end]) {
			return
		}
		i = skipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
}
