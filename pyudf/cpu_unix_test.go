//go:build unix

package pyudf

import (
	"syscall"
	"time"
)

// cpuTimes returns the user+system CPU time of this process and of its
// waited-for children (the Python workers of finished jobs).
func cpuTimes() (self, children time.Duration) {
	var ru syscall.Rusage
	sum := func() time.Duration {
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		self = sum()
	}
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
		children = sum()
	}
	return self, children
}
