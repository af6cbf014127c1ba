//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
	"time"
)

// childUsage returns a finished child's CPU time (user + system) and peak
// resident set size in bytes from its wait4 rusage.
func childUsage(ps *os.ProcessState) (cpu time.Duration, peakRSS int64) {
	if ps == nil {
		return 0, 0
	}
	cpu = ps.UserTime() + ps.SystemTime()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru != nil {
		peakRSS = int64(ru.Maxrss)
		if runtime.GOOS != "darwin" {
			peakRSS *= 1024 // Linux and the BSDs count KiB; macOS bytes
		}
	}
	return cpu, peakRSS
}
