//go:build !unix

package pyudf

import "time"

// cpuTimes is unknown on this platform.
func cpuTimes() (self, children time.Duration) { return 0, 0 }
