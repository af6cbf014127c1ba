package sql

import "reflect"

var nodeIface = reflect.TypeOf((*Node)(nil)).Elem()

// Inspect traverses the tree rooted at n in depth-first order, calling f for
// every node (statements, query parts, expressions, data types, names,
// options, ...). If f returns false, the children of that node are skipped.
// It is meant for analyses and tests, not for hot paths (it uses reflection).
func Inspect(n Node, f func(Node) bool) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	inspectValue(reflect.ValueOf(n), f)
}

func inspectValue(v reflect.Value, f func(Node) bool) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			inspectValue(v.Elem(), f)
		}
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Implements(nodeIface) {
			if !f(v.Interface().(Node)) {
				return
			}
		}
		inspectValue(v.Elem(), f)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				inspectValue(v.Field(i), f)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			inspectValue(v.Index(i), f)
		}
	}
}
