package catalog

import (
	"fmt"
	"sort"
	"sync"
)

// goFuncs is the process-wide table of Go function implementations by
// class name: what `CREATE FUNCTION f AS 'name' LANGUAGE GO` refers to,
// the Go counterpart of a Java class on Flink's classpath.
var (
	goMu    sync.RWMutex
	goFuncs = map[string]any{}
)

// RegisterGoFunction makes fn (*expr.ScalarFunction, *expr.AggregateFunction
// or *expr.TableFunction) available to CREATE FUNCTION ... AS 'className'
// LANGUAGE GO. Call it from init of the package defining the function.
func RegisterGoFunction(className string, fn any) error {
	if err := (&Function{}).setImpl(fn); err != nil {
		return err
	}
	goMu.Lock()
	defer goMu.Unlock()
	goFuncs[className] = fn
	return nil
}

// LookupGoFunction returns the implementation registered under className.
func LookupGoFunction(className string) (any, bool) {
	goMu.RLock()
	defer goMu.RUnlock()
	fn, ok := goFuncs[className]
	return fn, ok
}

// RegisterFunction registers fn as a temporary system function called
// name, replacing any earlier one: the Go equivalent of PyFlink's
// create_temporary_system_function / register_java_function.
func (m *Manager) RegisterFunction(name string, fn any) error {
	f := &Function{Name: ObjectPath{Object: name}, Language: "GO", Temporary: true, System: true}
	if err := f.setImpl(fn); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sysFuncs[normName(name)] = f
	return nil
}

// CreateFunction registers f. For f.System the name is f.Name.Object;
// otherwise f.Name must be qualified. When f has no implementation and its
// language is GO, the implementation is looked up by f.ClassName.
func (m *Manager) CreateFunction(f *Function, ifNotExists bool) error {
	if f.Kind() == "UNRESOLVED" && (f.Language == "GO" || f.Language == "") {
		fn, ok := LookupGoFunction(f.ClassName)
		if !ok {
			return notFound(fmt.Sprintf("Go function class '%s' is not registered (catalog.RegisterGoFunction)", f.ClassName), Closest(f.ClassName, goNames()))
		}
		if err := f.setImpl(fn); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if f.System {
		key := normName(f.Name.Object)
		if _, ok := m.sysFuncs[key]; ok {
			if ifNotExists {
				return nil
			}
			return &Error{Kind: ErrExists, Msg: fmt.Sprintf("Could not register temporary system function. A function named '%s' does already exist.", f.Name.Object)}
		}
		m.sysFuncs[key] = f
		return nil
	}
	key := lowerPath(f.Name)
	if f.Temporary {
		if _, ok := m.tempFuncs[key]; ok {
			if ifNotExists {
				return nil
			}
			return &Error{Kind: ErrExists, Msg: fmt.Sprintf("Could not register temporary catalog function. A function '%s' does already exist.", f.Name)}
		}
		m.tempFuncs[key] = f
		return nil
	}
	d, err := m.dbLocked(f.Name.Catalog, f.Name.Database)
	if err != nil {
		return err
	}
	if _, ok := d.funcs[key.Object]; ok {
		if ifNotExists {
			return nil
		}
		return &Error{Kind: ErrExists, Msg: fmt.Sprintf("Could not execute CREATE FUNCTION: function %s already exists.", f.Name)}
	}
	d.funcs[key.Object] = f
	return nil
}

// DropFunction removes a function. With system, parts is the bare name of
// a temporary system function.
func (m *Manager) DropFunction(parts []string, temporary, system, ifExists bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	missing := func(n string) error {
		if ifExists {
			return nil
		}
		return notFound(fmt.Sprintf("Function %s does not exist", n), "")
	}
	if system {
		key := normName(parts[len(parts)-1])
		if _, ok := m.sysFuncs[key]; !ok {
			return missing(parts[len(parts)-1])
		}
		delete(m.sysFuncs, key)
		return nil
	}
	p, err := m.qualifyLocked(parts)
	if err != nil {
		return err
	}
	key := lowerPath(p)
	if temporary {
		if _, ok := m.tempFuncs[key]; !ok {
			return missing(p.String())
		}
		delete(m.tempFuncs, key)
		return nil
	}
	d, err := m.dbLocked(p.Catalog, p.Database)
	if err != nil {
		return missing(p.String())
	}
	if _, ok := d.funcs[key.Object]; !ok {
		return missing(p.String())
	}
	delete(d.funcs, key.Object)
	return nil
}

// LookupFunction resolves a user function name in Flink's order: for a
// bare name, temporary system functions, then temporary and permanent
// functions of the current database; for a qualified name, only catalog
// functions. It returns (nil, nil) when no user function matches, so the
// caller can try the built-ins.
func (m *Manager) LookupFunction(parts []string) (*Function, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if len(parts) == 1 {
		if f, ok := m.sysFuncs[normName(parts[0])]; ok {
			return f, nil
		}
	}
	p, err := m.qualifyLocked(parts)
	if err != nil {
		return nil, err
	}
	key := lowerPath(p)
	if f, ok := m.tempFuncs[key]; ok {
		return f, nil
	}
	if d, err := m.dbLocked(p.Catalog, p.Database); err == nil {
		if f, ok := d.funcs[key.Object]; ok {
			return f, nil
		}
	}
	return nil, nil
}

// ListFunctions returns the names of user functions visible from the
// current database (system, temporary and permanent), sorted. SHOW
// FUNCTIONS adds the built-ins; SHOW USER FUNCTIONS uses this alone.
func (m *Manager) ListFunctions() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	seen := map[string]bool{}
	for _, f := range m.sysFuncs {
		seen[f.Name.Object] = true
	}
	for p, f := range m.tempFuncs {
		if p.Catalog == lower(m.curCat) && p.Database == lower(m.curDB) {
			seen[f.Name.Object] = true
		}
	}
	if d, err := m.dbLocked(m.curCat, m.curDB); err == nil {
		for _, f := range d.funcs {
			seen[f.Name.Object] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// lowerPath normalises a function path: function names are
// case-insensitive in Flink.
func lowerPath(p ObjectPath) ObjectPath {
	return ObjectPath{lower(p.Catalog), lower(p.Database), normName(p.Object)}
}

func lower(s string) string { return normName(s) }

func goNames() []string {
	goMu.RLock()
	defer goMu.RUnlock()
	return keys(goFuncs)
}
