package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
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

// startCPUProfile starts a CPU profile written to path; the returned
// function stops it and closes the file.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// parseDefines adds the -D key=value options to cfg.
func parseDefines(cfg map[string]string, defines []string) error {
	for _, d := range defines {
		k, v, ok := strings.Cut(d, "=")
		if !ok {
			return fmt.Errorf("-D takes key=value, got %q", d)
		}
		cfg[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return nil
}
