package main

import (
	"bufio"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// gcPercent is the GOGC the engine runs with unless the user sets GOGC.
// Streaming jobs allocate batches at a high rate over a small live heap,
// so with Go's default of 100 the collector runs every few megabytes of
// batches; the Nexmark profiles spent a third of their CPU in it. 400
// lets the heap grow to five times the live data between collections,
// which took 35% of the CPU off the stateless queries and 25% off a
// stateful join (q7) for 1.6–2× the resident memory.
const gcPercent = 400

// memoryShare is the part of the machine's (or container's) memory the
// soft memory limit allows when the user sets no GOMEMLIMIT: near it the
// collector works harder instead of letting the larger GOGC grow the heap
// out of memory.
const memoryShare = 0.75

func init() { tuneGC(os.Getenv) }

// tuneGC applies gcPercent and the memory limit, leaving alone whatever
// the user set through GOGC / GOMEMLIMIT.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		if total := memoryAvailable(); total > 0 {
			debug.SetMemoryLimit(int64(float64(total) * memoryShare))
		}
	}
}

// memoryAvailable returns the bytes of memory the process may use: the
// cgroup (v2) limit if there is one, else the machine's total; 0 when
// neither can be read (e.g. not Linux).
func memoryAvailable() int64 {
	total := int64(0)
	if f, err := os.Open("/proc/meminfo"); err == nil {
		total = memTotal(f)
		f.Close()
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if lim, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && lim > 0 && (total == 0 || lim < total) {
			total = lim
		}
	}
	return total
}

// memTotal parses the MemTotal line of /proc/meminfo ("MemTotal: 24684
// kB") into bytes; 0 if absent.
func memTotal(r io.Reader) int64 {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
