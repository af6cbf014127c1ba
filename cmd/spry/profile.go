package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// writeHeapProfile writes the heap profile (whose alloc_space and
// alloc_objects sample indexes count every allocation since the start) to
// path. It is a hidden profiling aid, so a failure is only reported.
func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "memprofile:", err)
		return
	}
	defer f.Close()
	runtime.GC() // up-to-date inuse figures
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "memprofile:", err)
	}
}
