// Package metrics holds the counters and gauges operators report while a
// job runs (Flink's operator metrics, e.g. numLateRecordsDropped). A job
// owns one Registry; every operator subtask gets a Group scoped to it.
// Counters are atomic, so the client may read them while the job runs.
package metrics

import (
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
)

// Well-known metric names, spelled as Flink spells them.
const (
	// LateRecordsDropped counts rows an event-time operator dropped
	// because they arrived after the watermark had passed them.
	LateRecordsDropped = "numLateRecordsDropped"
	// SkippedRecords counts records a format skipped
	// (json.ignore-parse-errors and the like).
	SkippedRecords = "numSkippedRecords"
)

// Counter is a monotonically increasing count.
type Counter struct{ n atomic.Int64 }

// Inc adds one.
func (c *Counter) Inc() { c.n.Add(1) }

// Add adds n.
func (c *Counter) Add(n int64) { c.n.Add(n) }

// Value returns the count.
func (c *Counter) Value() int64 { return c.n.Load() }

// Gauge is a value set from time to time (state size, current watermark).
type Gauge struct{ v atomic.Int64 }

// Set stores v.
func (g *Gauge) Set(v int64) { g.v.Store(v) }

// Value returns the last value set.
func (g *Gauge) Value() int64 { return g.v.Load() }

// Registry holds every metric of one job.
type Registry struct {
	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct {
	scope, name string
	counter     *Counter
	gauge       *Gauge
	histogram   *Histogram
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{entries: map[string]*entry{}} }

// Group returns the metrics of one operator subtask: operator is how the
// operator prints, subtask its index.
func (r *Registry) Group(operator string, subtask int) *Group {
	return &Group{r: r, scope: operator + "[" + strconv.Itoa(subtask) + "]"}
}

// Group is the metric scope of one operator subtask. A nil *Group is
// valid and hands out counters nobody reads, so operators built outside a
// job (tests, benchmarks) need no registry.
type Group struct {
	r     *Registry
	scope string
}

// Counter returns the group's counter called name, creating it once.
func (g *Group) Counter(name string) *Counter {
	if g == nil || g.r == nil {
		return new(Counter)
	}
	return g.r.get(g.scope, name, false).counter
}

// Gauge returns the group's gauge called name, creating it once.
func (g *Group) Gauge(name string) *Gauge {
	if g == nil || g.r == nil {
		return new(Gauge)
	}
	return g.r.get(g.scope, name, true).gauge
}

func (r *Registry) get(scope, name string, gauge bool) *entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := scope + "." + name
	e := r.entries[key]
	if e == nil {
		e = &entry{scope: scope, name: name}
		if gauge {
			e.gauge = new(Gauge)
		} else {
			e.counter = new(Counter)
		}
		r.entries[key] = e
	}
	return e
}

// Sample is one metric's value at the time of a Snapshot.
type Sample struct {
	Scope string // operator[subtask]
	Name  string
	Value int64
}

// Snapshot returns every metric's current value, sorted by scope and name.
func (r *Registry) Snapshot() []Sample {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	out := make([]Sample, 0, len(r.entries))
	for _, e := range r.entries {
		s := Sample{Scope: e.scope, Name: e.name}
		switch {
		case e.counter != nil:
			s.Value = e.counter.Value()
		case e.histogram != nil:
			s.Value = e.histogram.Count()
		default:
			s.Value = e.gauge.Value()
		}
		out = append(out, s)
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Scope != out[j].Scope {
			return out[i].Scope < out[j].Scope
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Total sums the metric called name over every scope.
func (r *Registry) Total(name string) int64 {
	var n int64
	for _, s := range r.Snapshot() {
		if s.Name == name {
			n += s.Value
		}
	}
	return n
}
