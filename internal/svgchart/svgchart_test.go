package svgchart

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestBarsGolden(t *testing.T) {
	cases := []struct {
		name string
		bars Bars
	}{
		{"linear", Bars{
			Title: "Nexmark: events/s per core", Unit: "events/s per core",
			Categories: []string{"q0", "q1", "q5"},
			Series: []Series{
				{Name: "spry", Values: []float64{2.1e6, 1.9e6, 4.2e5}},
				{Name: "flink", Values: []float64{4e5, 3.8e5, math.NaN()}},
			},
			Notes: []string{"5.25x", "5.00x", ""},
		}},
		{"log", Bars{
			Title: "A <wide> spread", Unit: "events/s",
			Categories: []string{"q0", "q9"},
			Series:     []Series{{Name: "spry", Values: []float64{3e6, 2e3}}},
			Log:        true,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.bars.SVG()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.name+".svg")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file; run go test ./internal/svgchart -update and review the diff\n%s", path, got)
			}
		})
	}
}

func TestBarsErrors(t *testing.T) {
	for _, b := range []Bars{
		{},
		{Categories: []string{"a"}, Series: []Series{{Name: "s", Values: []float64{1, 2}}}},
		{Categories: []string{"a"}, Series: []Series{{Name: "s", Values: []float64{1}}}, Notes: []string{"x", "y"}},
	} {
		if _, err := b.SVG(); err == nil {
			t.Errorf("%+v: no error", b)
		}
	}
}

func TestHuman(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "0"}, {950, "950"}, {1500, "1.5k"}, {23456789, "23.5M"}, {123456, "123k"}, {2e9, "2G"}, {0.25, "0.25"}} {
		if got := Human(c.v); got != c.want {
			t.Errorf("Human(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
