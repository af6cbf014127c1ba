package pyudf

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"
)

func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	for name, body := range files {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestArchivesAndRequirements ships a module in an archive and installs a
// package from a local wheel cache (offline), as add_python_archive and
// set_python_requirements(file, cache) do.
func TestArchivesAndRequirements(t *testing.T) {
	dir := t.TempDir()
	writeZip(t, filepath.Join(dir, "libs.zip"), map[string]string{"archived_mod.py": "def twice(x):\n    return 2 * x\n"})
	cache := filepath.Join(dir, "wheels")
	if err := os.Mkdir(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	writeZip(t, filepath.Join(cache, "sprytestpkg-0.1-py3-none-any.whl"), map[string]string{
		"sprytestpkg/__init__.py":            "def hello():\n    return 'hi'\n",
		"sprytestpkg-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: sprytestpkg\nVersion: 0.1\n",
		"sprytestpkg-0.1.dist-info/WHEEL":    "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
		"sprytestpkg-0.1.dist-info/RECORD":   "sprytestpkg/__init__.py,,\nsprytestpkg-0.1.dist-info/METADATA,,\nsprytestpkg-0.1.dist-info/WHEEL,,\nsprytestpkg-0.1.dist-info/RECORD,,\n",
	})
	req := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(req, []byte("sprytestpkg\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env, py := session(t, true, 2, map[string]string{
		"python.archives":     filepath.Join(dir, "libs.zip") + "#libs",
		"python.requirements": req + "#" + cache,
	})
	register(t, env, py, scalar("deps", "STRING"), `
def f(x):
    import archived_mod, sprytestpkg, os
    # The archive is extracted in the workers' directory under its name.
    assert os.path.isfile(os.path.join("libs", "archived_mod.py"))
    return "%s-%d" % (sprytestpkg.hello(), archived_mod.twice(x))`)
	if got := mustRows(t, env, "SELECT deps(id) FROM "+words); got != "+I[hi-2] +I[hi-4] +I[hi-6]" {
		t.Errorf("got %s", got)
	}
}
