package filesystem

import "github.com/spry-engine/spry/connector"

var _ connector.SkipCounter = (*source)(nil)

// Skipped returns the records the format skipped under
// ignore-parse-errors, for the numSkippedRecords metric.
func (s *source) Skipped() int64 {
	if s.dec == nil {
		return 0
	}
	return s.dec.Skipped()
}
