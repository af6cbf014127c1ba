package worker

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Archives and requirements are set up once per distinct configuration
// and shared by every worker that uses it (all subtasks of all Python
// operators of a job), in a directory under the system temp directory.
var (
	prepMu   sync.Mutex
	prepared = map[string]*preparation{}
)

type preparation struct {
	once sync.Once
	dir  string
	path []string
	err  error
}

// prepare extracts python.archives and installs python.requirements,
// returning the directories to put on PYTHONPATH and the directory the
// workers run in ("" when there is nothing to set up).
func (o Options) prepare() (path []string, dir string, err error) {
	if len(o.Archives) == 0 && o.Requirements == "" {
		return nil, "", nil
	}
	key := strings.Join(o.Archives, "\x00") + "\x01" + o.Requirements + "\x01" + o.Executable
	prepMu.Lock()
	p := prepared[key]
	if p == nil {
		p = &preparation{}
		prepared[key] = p
	}
	prepMu.Unlock()
	p.once.Do(func() {
		sum := sha256.Sum256([]byte(key))
		p.dir = filepath.Join(os.TempDir(), "spry-python-"+hex.EncodeToString(sum[:8]))
		if p.err = os.MkdirAll(p.dir, 0o755); p.err != nil {
			return
		}
		for _, a := range o.Archives {
			src, name, _ := strings.Cut(a, "#")
			if name == "" {
				name = filepath.Base(src)
			}
			target := filepath.Join(p.dir, name)
			if p.err = extract(src, target); p.err != nil {
				p.err = fmt.Errorf("python.archives: extracting %s: %w", src, p.err)
				return
			}
			p.path = append(p.path, target)
		}
		if o.Requirements != "" {
			target := filepath.Join(p.dir, "requirements")
			if p.err = install(o.Executable, o.Requirements, target); p.err != nil {
				return
			}
			p.path = append(p.path, target)
		}
	})
	return p.path, p.dir, p.err
}

// install runs pip for a requirements file ("file" or "file#wheel-cache";
// with a cache, only the cache is used, as Flink's offline installs).
func install(python, spec, target string) error {
	file, cache, _ := strings.Cut(spec, "#")
	args := []string{"-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "--target", target, "-r", file}
	if cache != "" {
		args = append(args, "--no-index", "--find-links", cache)
	}
	out, err := exec.Command(python, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("python.requirements: installing %s failed: %v\n%s", file, err, tailOf(string(out), 2048))
	}
	return nil
}

func tailOf(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// extract unpacks a zip, tar or tar.gz archive into dir.
func extract(src, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	lower := strings.ToLower(src)
	if strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".tgz") || strings.HasSuffix(lower, ".tar") {
		return extractTar(src, dir, !strings.HasSuffix(lower, ".tar"))
	}
	zr, err := zip.OpenReader(src)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		dst, err := inside(dir, f.Name)
		if err != nil {
			return err
		}
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
			continue
		}
		r, err := f.Open()
		if err != nil {
			return err
		}
		err = writeFile(dst, r, f.Mode())
		r.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func extractTar(src, dir string, gz bool) error {
	fh, err := os.Open(src)
	if err != nil {
		return err
	}
	defer fh.Close()
	var r io.Reader = fh
	if gz {
		g, err := gzip.NewReader(fh)
		if err != nil {
			return err
		}
		defer g.Close()
		r = g
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		dst, err := inside(dir, h.Name)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := writeFile(dst, tr, os.FileMode(h.Mode)); err != nil {
				return err
			}
		}
	}
}

// inside joins name to dir, refusing entries that would escape it.
func inside(dir, name string) (string, error) {
	dst := filepath.Join(dir, name)
	if dst != dir && !strings.HasPrefix(dst, dir+string(os.PathSeparator)) {
		return "", fmt.Errorf("archive entry %q escapes the target directory", name)
	}
	return dst, nil
}

func writeFile(dst string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode.Perm()|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
