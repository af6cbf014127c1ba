package connector

import "sync"

// Flink before 1.11 described tables with 'connector.type' = 'jdbc' and
// 'connector.*' keys (the descriptor properties PyFlink 1.9 jobs write in
// their DDL). A connector that knows its old keys registers a translator
// to its current options, so such a job runs unchanged.

// LegacyTranslator rewrites a table's pre-1.11 options into current ones,
// or fails naming an unknown old key.
type LegacyTranslator func(old map[string]string) (map[string]string, error)

var (
	legacyMu sync.RWMutex
	legacy   = map[string]LegacyTranslator{}
)

// RegisterLegacy declares the translator of the tables whose
// 'connector.type' is connectorType; connectors call it in init.
func RegisterLegacy(connectorType string, f LegacyTranslator) {
	legacyMu.Lock()
	defer legacyMu.Unlock()
	legacy[connectorType] = f
}

// TranslateLegacy returns opts in the current form: unchanged when they
// have a 'connector' key or no translator knows their 'connector.type'.
func TranslateLegacy(opts map[string]string) (map[string]string, error) {
	if _, ok := opts["connector"]; ok {
		return opts, nil
	}
	legacyMu.RLock()
	f := legacy[opts["connector.type"]]
	legacyMu.RUnlock()
	if f == nil {
		return opts, nil
	}
	return f(opts)
}
