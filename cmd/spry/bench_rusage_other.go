//go:build !unix

package main

import (
	"os"
	"time"
)

// childUsage returns a finished child's CPU time; peak RSS is not known
// without wait4.
func childUsage(ps *os.ProcessState) (cpu time.Duration, peakRSS int64) {
	if ps == nil {
		return 0, 0
	}
	return ps.UserTime() + ps.SystemTime(), 0
}
