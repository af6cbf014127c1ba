package connector

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

var (
	mu        sync.RWMutex
	factories = map[string]*Factory{}
)

// Register adds a connector factory; registering a name twice panics.
func Register(f *Factory) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := factories[f.Name]; dup {
		panic("connector: " + f.Name + " registered twice")
	}
	factories[f.Name] = f
}

// Lookup returns the factory for a 'connector' value, or an error listing
// the available connectors.
func Lookup(name string) (*Factory, error) {
	mu.RLock()
	defer mu.RUnlock()
	if f, ok := factories[name]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("could not find any factory for identifier '%s' that implements a table connector.\n\nAvailable factory identifiers are:\n\n%s",
		name, strings.Join(namesLocked(), "\n"))
}

// Names returns the registered connector names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	out := make([]string, 0, len(factories))
	for n := range factories {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
