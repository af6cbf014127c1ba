package catalog

import (
	"fmt"
	"sort"
	"strings"
)

// CreateTable registers t under t.Name (already qualified); t.Temporary
// chooses a temporary table. With ifNotExists an existing object of that
// name is kept and no error is returned.
func (m *Manager) CreateTable(t *Table, ifNotExists bool) error {
	return m.create(&Object{Path: t.Name, Table: t}, t.Temporary, ifNotExists)
}

// CreateView registers v under v.Name (already qualified).
func (m *Manager) CreateView(v *View, ifNotExists bool) error {
	return m.create(&Object{Path: v.Name, View: v}, v.Temporary, ifNotExists)
}

func (m *Manager) create(o *Object, temporary, ifNotExists bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := o.Path
	d, err := m.dbLocked(p.Catalog, p.Database)
	if err != nil {
		return err
	}
	what := "Table"
	if o.View != nil {
		what = "View"
	}
	if temporary {
		if _, ok := m.temp[p]; ok {
			if ifNotExists {
				return nil
			}
			return &Error{Kind: ErrExists, Msg: fmt.Sprintf("Temporary table '%s' already exists", p)}
		}
		m.temp[p] = o
		return nil
	}
	_, t := d.tables[p.Object]
	_, v := d.views[p.Object]
	if t || v {
		if ifNotExists {
			return nil
		}
		return &Error{Kind: ErrExists, Msg: fmt.Sprintf("Could not execute CreateTable in path `%s`.`%s`.`%s`: %s %s already exists in Catalog %s.",
			p.Catalog, p.Database, p.Object, what, p.Database+"."+p.Object, p.Catalog)}
	}
	if o.Table != nil {
		d.tables[p.Object] = o.Table
	} else {
		d.views[p.Object] = o.View
	}
	return nil
}

// DropTable removes the table at path; temporary selects the temporary
// table. Dropping a view with DropTable is an error, as in Flink.
func (m *Manager) DropTable(p ObjectPath, temporary, ifExists bool) error {
	return m.drop(p, false, temporary, ifExists)
}

// DropView removes the view at path.
func (m *Manager) DropView(p ObjectPath, temporary, ifExists bool) error {
	return m.drop(p, true, temporary, ifExists)
}

func (m *Manager) drop(p ObjectPath, view, temporary, ifExists bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	what := "Table"
	if view {
		what = "View"
	}
	missing := func() error {
		if ifExists {
			return nil
		}
		return notFound(fmt.Sprintf("%s with identifier '%s' does not exist.", what, p), "")
	}
	if o, ok := m.temp[p]; ok {
		if !temporary {
			return &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("Temporary %s with identifier '%s' exists. Drop it first before removing the permanent %s.",
				strings.ToLower(what), p, strings.ToLower(what))}
		}
		if (o.View != nil) != view {
			return &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("Temporary object '%s' is not a %s", p, what)}
		}
		delete(m.temp, p)
		return nil
	}
	if temporary {
		return missing()
	}
	d, err := m.dbLocked(p.Catalog, p.Database)
	if err != nil {
		return missing()
	}
	if view {
		if _, ok := d.views[p.Object]; !ok {
			if _, isTable := d.tables[p.Object]; isTable {
				return &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("DROP VIEW for a table is not allowed: %s", p)}
			}
			return missing()
		}
		delete(d.views, p.Object)
		return nil
	}
	if _, ok := d.tables[p.Object]; !ok {
		if _, isView := d.views[p.Object]; isView {
			return &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("DROP TABLE for a view is not allowed: %s", p)}
		}
		return missing()
	}
	delete(d.tables, p.Object)
	return nil
}

// Lookup resolves a 1-, 2- or 3-part table or view name; temporary
// objects win over permanent ones. A missing name gives Flink's message
// "Object 'x' not found within 'cat.db'" with the closest existing name as
// the suggestion.
func (m *Manager) Lookup(parts []string) (*Object, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p, err := m.qualifyLocked(parts)
	if err != nil {
		return nil, err
	}
	if o, ok := m.temp[p]; ok {
		return o, nil
	}
	d, err := m.dbLocked(p.Catalog, p.Database)
	if err != nil {
		return nil, notFound(fmt.Sprintf("Object '%s' not found", p.Object), "")
	}
	if t, ok := d.tables[p.Object]; ok {
		return &Object{Path: p, Table: t}, nil
	}
	if v, ok := d.views[p.Object]; ok {
		return &Object{Path: p, View: v}, nil
	}
	return nil, notFound(fmt.Sprintf("Object '%s' not found within '%s.%s'", p.Object, p.Catalog, p.Database),
		Closest(p.Object, m.namesLocked(p.Catalog, p.Database, true, true)))
}

// ListTables returns the tables and views (temporary included) of database
// cat.db ("" means current), sorted, as Flink's SHOW TABLES does.
func (m *Manager) ListTables(cat, db string) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	cat, db = m.defaults(cat, db)
	return m.namesLocked(cat, db, true, true)
}

// ListViews returns the views (temporary included) of cat.db, sorted.
func (m *Manager) ListViews(cat, db string) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	cat, db = m.defaults(cat, db)
	return m.namesLocked(cat, db, false, true)
}

func (m *Manager) defaults(cat, db string) (string, string) {
	if cat == "" {
		cat = m.curCat
	}
	if db == "" {
		db = m.curDB
	}
	return cat, db
}

func (m *Manager) namesLocked(cat, db string, tables, views bool) []string {
	seen := map[string]bool{}
	if d, err := m.dbLocked(cat, db); err == nil {
		if tables {
			for n := range d.tables {
				seen[n] = true
			}
		}
		if views {
			for n := range d.views {
				seen[n] = true
			}
		}
	}
	for p, o := range m.temp {
		if p.Catalog == cat && p.Database == db && ((o.Table != nil && tables) || (o.View != nil && views)) {
			seen[p.Object] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
