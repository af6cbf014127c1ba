package main

import (
	"os"
	"testing"
)

// envBenchChild makes the test binary act as the spry binary: `spry bench
// nexmark` runs each query by re-executing itself (os.Executable), which
// under `go test` is this binary.
const envBenchChild = "SPRY_TEST_BENCH_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(envBenchChild) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
