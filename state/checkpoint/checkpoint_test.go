package checkpoint

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFormatV1Compatible loads the committed checkpoint of format version
// 1 and checks that this engine reads it as written: a change of the
// metadata types that alters its encoding must bump FormatVersion (and
// keep loading version 1).
func TestFormatV1Compatible(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join("testdata", "format-v1")
	m, err := Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Version != 1 || !m.Savepoint || m.CheckpointID != 1 || m.MaxParallelism != 128 || len(m.Operators) != 2 {
		t.Fatalf("unexpected metadata %+v", m)
	}
	for _, o := range m.Operators {
		for _, p := range o.Parts {
			data, err := m.ReadPart(ctx, p.Path)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(data)) != p.Size {
				t.Errorf("%s part %d: %d bytes, metadata says %d", o.Name, p.Subtask, len(data), p.Size)
			}
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, MetadataFile))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if FormatVersion == 1 && !bytes.Equal(bytes.TrimSpace(raw), bytes.TrimSpace(enc)) {
		t.Errorf("the metadata encoding changed without a format version bump:\n%s\nwant\n%s", enc, raw)
	}
}

func TestLoadPaths(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join("testdata", "format-v1")
	for _, p := range []string{dir, dir + "/", filepath.Join(dir, MetadataFile), "file://" + mustAbs(t, dir)} {
		m, err := Load(ctx, p)
		if err != nil {
			t.Errorf("Load(%q): %v", p, err)
			continue
		}
		m.Close()
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestLoadErrors(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	write := func(name, data string) string {
		d := filepath.Join(tmp, name)
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, MetadataFile), []byte(data), 0o644)
		return d
	}
	os.MkdirAll(filepath.Join(tmp, "incomplete"), 0o755)
	for _, tc := range []struct {
		path string
		kind error
	}{
		{filepath.Join(tmp, "missing"), ErrNotFound},
		{filepath.Join(tmp, "incomplete"), ErrNotFound},
		{write("corrupt", "{"), ErrCorrupt},
		{write("noversion", `{"jobName":"x"}`), ErrCorrupt},
		{write("newer", `{"version":99}`), ErrVersion},
		{write("kind", `{"version":1,"operators":[{"name":"x","kind":"what"}]}`), ErrCorrupt},
		{write("escape", `{"version":1,"operators":[{"name":"x","kind":"keyed","parts":[{"path":"../../etc/passwd"}]}]}`), ErrCorrupt},
		{"mem://nothing/chk-1", ErrNotFound},
		{"nosuchscheme://bucket/x", ErrScheme},
	} {
		_, err := Load(ctx, tc.path)
		if !errors.Is(err, tc.kind) {
			t.Errorf("Load(%s) = %v, want %v", tc.path, err, tc.kind)
		}
	}
}

// writeChk stores a completed (or, without metadata, incomplete)
// checkpoint id of job under st.
func writeChk(t *testing.T, st *Store, job string, id int64, ts time.Time, complete bool) {
	t.Helper()
	ctx := context.Background()
	key := job + "/" + ChkName(id)
	if err := st.Write(ctx, key+"/1-0-0", []byte("state")); err != nil {
		t.Fatal(err)
	}
	if !complete {
		return
	}
	m := &Metadata{JobID: job, CheckpointID: id, Timestamp: ts, Operators: []OperatorState{{Vertex: 1, Name: "op", Kind: KindKeyed, Parallelism: 1, Parts: []Part{{Path: "1-0-0", Size: 5}}}}}
	data, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Write(ctx, key+"/"+MetadataFile, data); err != nil {
		t.Fatal(err)
	}
}

func TestLatest(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, root := range []string{t.TempDir(), "mem://latest-test"} {
		st, err := Open(ctx, root, true)
		if err != nil {
			t.Fatal(err)
		}
		if l, err := Latest(ctx, root); err != nil || l != "" {
			t.Errorf("Latest of an empty dir = %q, %v", l, err)
		}
		writeChk(t, st, "a", 3, t0, true)
		writeChk(t, st, "a", 4, t0.Add(time.Second), false) // incomplete
		writeChk(t, st, "b", 1, t0.Add(time.Minute), true)
		writeChk(t, st, "b", 2, t0.Add(2*time.Minute), true)
		l, err := Latest(ctx, root)
		if err != nil || l != st.Path("b/chk-2") {
			t.Errorf("Latest(%s) = %q, %v; want %s", root, l, err, st.Path("b/chk-2"))
		}
		if l, err := Latest(ctx, st.Path("a")); err != nil || l != st.Path("a/chk-3") {
			t.Errorf("Latest of job dir a = %q, %v", l, err)
		}
		m, err := Load(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := m.ReadPart(ctx, "1-0-0"); err != nil || string(got) != "state" {
			t.Errorf("ReadPart = %q, %v", got, err)
		}
		if err := st.DeleteDir(ctx, "a/"+ChkName(3)); err != nil {
			t.Fatal(err)
		}
		if l, _ := Latest(ctx, st.Path("a")); l != "" {
			t.Errorf("after DeleteDir, Latest of a = %q", l)
		}
		st.Close()
	}
}

// TestSharedFiles resolves a checkpoint's shared files against its job
// directory and a savepoint's against itself.
func TestSharedFiles(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	st, err := Open(ctx, root, true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Write(ctx, "job/shared/r-1-0-0/000001.sst", []byte("sst-job"))
	st.Write(ctx, "sp/shared/r-1-0-0/000001.sst", []byte("sst-sp"))
	for _, tc := range []struct {
		dir       string
		savepoint bool
		want      string
	}{{"job/chk-1", false, "sst-job"}, {"sp", true, "sst-sp"}} {
		m := &Metadata{CheckpointID: 1, Savepoint: tc.savepoint, Operators: []OperatorState{{Name: "agg", Kind: KindFiles, Parts: []Part{{Files: []string{"shared/r-1-0-0/000001.sst"}}}}}}
		data, _ := m.Encode()
		st.Write(ctx, tc.dir+"/"+MetadataFile, data)
		l, err := Load(ctx, st.Path(tc.dir))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(t.TempDir(), "f.sst")
		if err := l.Download(ctx, "shared/r-1-0-0/000001.sst", dst); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(dst); string(got) != tc.want {
			t.Errorf("%s: shared file %q, want %q", tc.dir, got, tc.want)
		}
		l.Close()
	}
}
