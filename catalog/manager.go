package catalog

import (
	"fmt"
	"sort"
	"sync"
)

// Manager holds a session's catalogs, the current catalog and database,
// and its temporary objects. The zero value is not usable; call New.
type Manager struct {
	mu       sync.RWMutex
	catalogs map[string]*catalogData
	curCat   string
	curDB    string
	// temp holds TEMPORARY tables and views by full path; they shadow
	// permanent objects of the same path.
	temp map[ObjectPath]*Object
	// tempFuncs holds TEMPORARY catalog functions by lower-cased path.
	tempFuncs map[ObjectPath]*Function
	// sysFuncs holds TEMPORARY SYSTEM functions by lower-cased name.
	sysFuncs map[string]*Function
}

type catalogData struct {
	options map[string]string
	dbs     map[string]*database
}

type database struct {
	comment string
	tables  map[string]*Table
	views   map[string]*View
	funcs   map[string]*Function // by lower-cased name
}

func newDatabase(comment string) *database {
	return &database{comment: comment, tables: map[string]*Table{}, views: map[string]*View{}, funcs: map[string]*Function{}}
}

// New returns a manager holding default_catalog.default_database, which is
// current.
func New() *Manager {
	m := &Manager{
		catalogs:  map[string]*catalogData{},
		curCat:    DefaultCatalog,
		curDB:     DefaultDatabase,
		temp:      map[ObjectPath]*Object{},
		tempFuncs: map[ObjectPath]*Function{},
		sysFuncs:  map[string]*Function{},
	}
	m.catalogs[DefaultCatalog] = &catalogData{dbs: map[string]*database{DefaultDatabase: newDatabase("")}}
	return m
}

// CurrentCatalog returns the current catalog's name.
func (m *Manager) CurrentCatalog() string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.curCat
}

// CurrentDatabase returns the current database's name.
func (m *Manager) CurrentDatabase() string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.curDB
}

// UseCatalog makes name current; the current database becomes the
// catalog's default_database if it has one, else its first database.
func (m *Manager) UseCatalog(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.catalogLocked(name)
	if err != nil {
		return err
	}
	m.curCat = name
	if _, ok := c.dbs[DefaultDatabase]; ok {
		m.curDB = DefaultDatabase
	} else if names := keys(c.dbs); len(names) > 0 {
		m.curDB = names[0]
	} else {
		m.curDB = ""
	}
	return nil
}

// UseDatabase makes [catalog.]db current (parts has one or two elements).
func (m *Manager) UseDatabase(parts ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cat, db := m.curCat, ""
	switch len(parts) {
	case 1:
		db = parts[0]
	case 2:
		cat, db = parts[0], parts[1]
	default:
		return &Error{Kind: ErrInvalid, Msg: "database name must have one or two parts"}
	}
	if _, err := m.dbLocked(cat, db); err != nil {
		return err
	}
	m.curCat, m.curDB = cat, db
	return nil
}

// CreateCatalog adds an empty in-memory catalog with a default_database.
func (m *Manager) CreateCatalog(name string, options map[string]string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.catalogs[name]; ok {
		return &Error{Kind: ErrExists, Msg: fmt.Sprintf("Catalog %s already exists.", name)}
	}
	m.catalogs[name] = &catalogData{options: options, dbs: map[string]*database{DefaultDatabase: newDatabase("")}}
	return nil
}

// DropCatalog removes a catalog; the current catalog cannot be dropped.
func (m *Manager) DropCatalog(name string, ifExists bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.catalogs[name]; !ok {
		if ifExists {
			return nil
		}
		return notFound(fmt.Sprintf("Catalog %s does not exist.", name), Closest(name, keys(m.catalogs)))
	}
	if name == m.curCat {
		return &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("Cannot drop a catalog which is currently in use: %s", name)}
	}
	delete(m.catalogs, name)
	return nil
}

// ListCatalogs returns the catalog names, sorted.
func (m *Manager) ListCatalogs() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return keys(m.catalogs)
}

// CreateDatabase adds database db to catalog cat ("" means current).
func (m *Manager) CreateDatabase(cat, db, comment string, ifNotExists bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cat == "" {
		cat = m.curCat
	}
	c, err := m.catalogLocked(cat)
	if err != nil {
		return err
	}
	if _, ok := c.dbs[db]; ok {
		if ifNotExists {
			return nil
		}
		return &Error{Kind: ErrExists, Msg: fmt.Sprintf("Database %s already exists in Catalog %s.", db, cat)}
	}
	c.dbs[db] = newDatabase(comment)
	return nil
}

// DropDatabase removes a database; without cascade it must be empty.
func (m *Manager) DropDatabase(cat, db string, ifExists, cascade bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cat == "" {
		cat = m.curCat
	}
	d, err := m.dbLocked(cat, db)
	if err != nil {
		if ifExists && IsNotFound(err) {
			return nil
		}
		return err
	}
	if cat == m.curCat && db == m.curDB {
		return &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("Cannot drop a database which is currently in use: %s", db)}
	}
	if !cascade && len(d.tables)+len(d.views)+len(d.funcs) > 0 {
		return &Error{Kind: ErrNotEmpty, Msg: fmt.Sprintf("Database %s in catalog %s is not empty.", db, cat)}
	}
	delete(m.catalogs[cat].dbs, db)
	return nil
}

// ListDatabases returns the databases of catalog cat ("" means current).
func (m *Manager) ListDatabases(cat string) ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if cat == "" {
		cat = m.curCat
	}
	c, err := m.catalogLocked(cat)
	if err != nil {
		return nil, err
	}
	return keys(c.dbs), nil
}

// Qualify completes a 1-, 2- or 3-part name with the current catalog and
// database.
func (m *Manager) Qualify(parts []string) (ObjectPath, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.qualifyLocked(parts)
}

func (m *Manager) qualifyLocked(parts []string) (ObjectPath, error) {
	switch len(parts) {
	case 1:
		return ObjectPath{m.curCat, m.curDB, parts[0]}, nil
	case 2:
		return ObjectPath{m.curCat, parts[0], parts[1]}, nil
	case 3:
		return ObjectPath{parts[0], parts[1], parts[2]}, nil
	}
	return ObjectPath{}, &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("object name must have 1 to 3 parts, got %d", len(parts))}
}

// catalogLocked returns catalog cat or Flink's not-found error with a
// "did you mean" hint.
func (m *Manager) catalogLocked(cat string) (*catalogData, error) {
	c, ok := m.catalogs[cat]
	if !ok {
		return nil, notFound(fmt.Sprintf("A catalog with name [%s] does not exist.", cat), Closest(cat, keys(m.catalogs)))
	}
	return c, nil
}

func (m *Manager) dbLocked(cat, db string) (*database, error) {
	c, err := m.catalogLocked(cat)
	if err != nil {
		return nil, err
	}
	d, ok := c.dbs[db]
	if !ok {
		return nil, notFound(fmt.Sprintf("A database with name [%s] does not exist in the catalog: [%s].", db, cat), Closest(db, keys(c.dbs)))
	}
	return d, nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
