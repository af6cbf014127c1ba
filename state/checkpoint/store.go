package checkpoint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/gcerrors"
)

// MemScheme is the scheme of checkpoints kept in the process's memory
// (a checkpoint directory of "").
const MemScheme = "mem"

// memBucket holds every in-memory checkpoint of the process.
var memBucket = memblob.OpenBucket(&memblob.Options{NoMD5: true})

// Store is a directory of checkpoint files: a local directory, a prefix
// of an object store bucket, or of the process's memory bucket. Keys are
// slash-separated paths relative to the directory.
type Store struct {
	loc    string // the directory as given (display paths join onto it)
	local  bool
	bucket *blob.Bucket
	prefix string // of every key in bucket ("" or ending in "/")
	owned  bool   // Close closes bucket
}

// k is the bucket key of key.
func (s *Store) k(key string) string { return s.prefix + key }

// Open opens the directory loc for reading and writing: "" or mem://...
// (memory), a local path or file:// URL, or a URL of a scheme whose
// gocloud.dev/blob driver is linked in. Local directories are created when
// create is set.
func Open(ctx context.Context, loc string, create bool) (*Store, error) {
	if loc == "" {
		loc = MemScheme + "://"
	}
	u, err := url.Parse(loc)
	scheme := ""
	if err == nil && len(u.Scheme) > 1 { // one letter: a Windows drive
		scheme = u.Scheme
	}
	switch scheme {
	case "":
		return openLocal(loc, create)
	case "file":
		return openLocal(u.Path, create)
	case MemScheme:
		p := strings.Trim(u.Host+u.Path, "/")
		st := &Store{loc: MemScheme + "://" + p, bucket: memBucket} // never closed
		if p != "" {
			st.prefix = p + "/"
		}
		return st, nil
	}
	// An object store: open the bucket, then narrow to the path prefix.
	bu := *u
	bu.Path = ""
	b, err := blob.OpenBucket(ctx, bu.String())
	if err != nil {
		if strings.Contains(err.Error(), "no driver registered") || strings.Contains(err.Error(), "no known scheme") {
			return nil, &Error{Path: loc, Kind: ErrScheme,
				Msg: fmt.Sprintf("no storage driver for scheme %q in this build (supported: local paths, file://%s)", scheme, cloudSchemes())}
		}
		return nil, &Error{Path: loc, Msg: "open", Err: err}
	}
	st := &Store{loc: strings.TrimRight(loc, "/"), bucket: b, owned: true}
	if p := strings.Trim(u.Path, "/"); p != "" {
		st.prefix = p + "/"
	}
	return st, nil
}

// cloudSchemes lists the object store schemes linked in, for errors.
func cloudSchemes() string {
	s := ""
	for _, sc := range []string{"s3", "gs"} {
		if blob.DefaultURLMux().ValidBucketScheme(sc) {
			s += ", " + sc + "://"
		}
	}
	return s
}

func openLocal(dir string, create bool) (*Store, error) {
	if !create {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			if err == nil {
				err = errors.New("not a directory")
			}
			return nil, &Error{Path: dir, Kind: ErrNotFound, Err: err}
		}
	}
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{CreateDir: create, Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		return nil, &Error{Path: dir, Msg: "open", Err: err}
	}
	return &Store{loc: filepath.Clean(dir), local: true, bucket: b, owned: true}, nil
}

// Path is the display path of key, as users name it (a local path or a
// URL).
func (s *Store) Path(key string) string {
	if key == "" {
		return s.loc
	}
	if s.local {
		return filepath.Join(s.loc, filepath.FromSlash(key))
	}
	if strings.HasSuffix(s.loc, "://") {
		return s.loc + key
	}
	return s.loc + "/" + key
}

// Write stores data under key. It writes through a plain writer rather
// than WriteAll, which hashes every byte twice (an MD5 it computes, then
// checks): a measurable share of a checkpoint's CPU for state that is
// already framed and checked by its own format.
func (s *Store) Write(ctx context.Context, key string, data []byte) error {
	// A failed write cancels its context before Close, so that no partial
	// object (a torn _metadata) is committed.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.bucket.NewWriter(wctx, s.k(key), &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err == nil {
		if _, err = w.Write(data); err != nil {
			cancel()
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return &Error{Path: s.Path(key), Msg: "write", Err: err}
	}
	return nil
}

// Upload stores the local file at src under key and returns its size.
func (s *Store) Upload(ctx context.Context, key, src string) (int64, error) {
	f, err := os.Open(src)
	if err != nil {
		return 0, &Error{Path: s.Path(key), Msg: "upload", Err: err}
	}
	defer f.Close()
	w, err := s.bucket.NewWriter(ctx, s.k(key), nil)
	if err != nil {
		return 0, &Error{Path: s.Path(key), Msg: "upload", Err: err}
	}
	n, err := io.Copy(w, f)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, &Error{Path: s.Path(key), Msg: "upload", Err: err}
	}
	return n, nil
}

// Read returns the content of key; a missing key is ErrNotFound.
func (s *Store) Read(ctx context.Context, key string) ([]byte, error) {
	data, err := s.bucket.ReadAll(ctx, s.k(key))
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, &Error{Path: s.Path(key), Kind: ErrNotFound}
		}
		return nil, &Error{Path: s.Path(key), Msg: "read", Err: err}
	}
	return data, nil
}

// Download copies key into the local file dst, creating its directory.
func (s *Store) Download(ctx context.Context, key, dst string) error {
	r, err := s.bucket.NewReader(ctx, s.k(key), nil)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return &Error{Path: s.Path(key), Kind: ErrNotFound}
		}
		return &Error{Path: s.Path(key), Msg: "read", Err: err}
	}
	defer r.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &Error{Path: s.Path(key), Msg: "download", Err: err}
	}
	return nil
}

// Copy copies key of src into key dst of s.
func (s *Store) Copy(ctx context.Context, dst string, src *Store, key string) (int64, error) {
	data, err := src.Read(ctx, key)
	if err != nil {
		return 0, err
	}
	return int64(len(data)), s.Write(ctx, dst, data)
}

// Exists reports whether key exists.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	ok, err := s.bucket.Exists(ctx, s.k(key))
	if err != nil {
		return false, &Error{Path: s.Path(key), Msg: "stat", Err: err}
	}
	return ok, nil
}

// Delete removes key; a missing key is no error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.bucket.Delete(ctx, s.k(key)); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return &Error{Path: s.Path(key), Msg: "delete", Err: err}
	}
	return nil
}

// DeleteDir removes every key under dir (a key prefix without its
// trailing slash), and the local directory itself. A checkpoint's
// _metadata goes first: interrupted halfway, the directory is an
// incomplete checkpoint, never a complete-looking one missing parts.
func (s *Store) DeleteDir(ctx context.Context, dir string) error {
	if err := s.Delete(ctx, dir+"/"+MetadataFile); err != nil {
		return err
	}
	keys, err := s.list(ctx, dir+"/", "")
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.Delete(ctx, k); err != nil {
			return err
		}
	}
	if s.local {
		_ = os.RemoveAll(s.Path(dir))
	}
	return nil
}

// list returns the keys (or, with delimiter "/", the child directories
// with their trailing slash) under prefix.
func (s *Store) list(ctx context.Context, prefix, delim string) ([]string, error) {
	for try := 0; ; try++ {
		keys, err := s.listOnce(ctx, prefix, delim)
		// A local listing walks directories: a file deleted meanwhile
		// (retention) fails it, and a retry sees the directory settled.
		if err == nil {
			return keys, nil
		}
		if try == 4 || gcerrors.Code(err) != gcerrors.NotFound {
			return nil, &Error{Path: s.Path(prefix), Msg: "list", Err: err}
		}
	}
}

func (s *Store) listOnce(ctx context.Context, prefix, delim string) ([]string, error) {
	it := s.bucket.List(&blob.ListOptions{Prefix: s.k(prefix), Delimiter: delim})
	var out []string
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, strings.TrimPrefix(o.Key, s.prefix))
	}
}

// Close releases the store.
func (s *Store) Close() error {
	if s.owned {
		return s.bucket.Close()
	}
	return nil
}

// split cuts a display path into its directory and last element.
func split(p string) (dir, name string) {
	p = strings.TrimRight(p, "/")
	if i := strings.Index(p, "://"); i >= 0 {
		rest := p[i+3:]
		j := strings.LastIndexByte(rest, '/')
		if j < 0 {
			return p[:i+3], rest
		}
		return p[:i+3] + rest[:j], rest[j+1:]
	}
	return filepath.Dir(p), filepath.Base(p)
}
