package filesystem

import "testing"

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/data/x":         "/data/x",
		"data/x.csv":      "data/x.csv",
		"file:///data/x":  "/data/x",
		"file:/data/x":    "/data/x",
		"FILE:///tmp/a b": "/tmp/a b",
		"C:/data/x":       "C:/data/x",
		"./a:b/c":         "./a:b/c",
	} {
		got, err := localPath(in)
		if err != nil || got != want {
			t.Errorf("localPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := localPath("s3://bucket/x"); err == nil {
		t.Error("s3:// accepted")
	}
}
