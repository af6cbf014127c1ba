package checkpoint

import (
	"context"
	"sort"
	"strconv"
	"strings"
)

// Load reads the metadata of the checkpoint or savepoint at path: a
// chk-<n> directory, a savepoint directory, or the _metadata file of
// either. A directory without _metadata (an incomplete checkpoint) is
// ErrNotFound; unreadable metadata is ErrCorrupt; a newer format is
// ErrVersion.
func Load(ctx context.Context, path string) (*Metadata, error) {
	p := strings.TrimRight(path, "/")
	if p == "" {
		return nil, &Error{Path: path, Kind: ErrNotFound, Msg: "empty path"}
	}
	if _, name := split(p); name == MetadataFile {
		p, _ = split(p)
	}
	st, err := Open(ctx, p, false)
	if err != nil {
		return nil, err
	}
	data, err := st.Read(ctx, MetadataFile)
	if err != nil {
		st.Close()
		return nil, err
	}
	m, err := decode(st.Path(MetadataFile), data)
	if err != nil {
		st.Close()
		return nil, err
	}
	m.dir = st.Path("")
	m.store = st
	m.once.Do(func() {})
	return m, nil
}

// files opens the stores the metadata's parts resolve against: the
// checkpoint directory, and its parent for a checkpoint's shared files.
func (m *Metadata) files(ctx context.Context) (*Store, error) {
	m.once.Do(func() { m.store, m.err = Open(ctx, m.dir, false) })
	return m.store, m.err
}

// resolve returns the store and key holding file p of a part.
func (m *Metadata) resolve(ctx context.Context, p string) (*Store, string, error) {
	st, err := m.files(ctx)
	if err != nil {
		return nil, "", err
	}
	if !m.Savepoint && strings.HasPrefix(p, SharedDir+"/") {
		parent, _ := split(m.dir)
		ps, err := Open(ctx, parent, false)
		if err != nil {
			return nil, "", err
		}
		return ps, p, nil
	}
	return st, p, nil
}

// ReadPart returns the content of a part's file p (Part.Path).
func (m *Metadata) ReadPart(ctx context.Context, p string) ([]byte, error) {
	st, key, err := m.resolve(ctx, p)
	if err != nil {
		return nil, err
	}
	if st != m.store {
		defer st.Close()
	}
	data, err := st.Read(ctx, key)
	if err != nil {
		return nil, &Error{Path: st.Path(key), Kind: ErrCorrupt, Msg: "a file the metadata names cannot be read", Err: err}
	}
	return data, nil
}

// Download copies a part's file p (an entry of Part.Files) to the local
// file dst.
func (m *Metadata) Download(ctx context.Context, p, dst string) error {
	st, key, err := m.resolve(ctx, p)
	if err != nil {
		return err
	}
	if st != m.store {
		defer st.Close()
	}
	if err := st.Download(ctx, key, dst); err != nil {
		return &Error{Path: st.Path(key), Kind: ErrCorrupt, Msg: "a file the metadata names cannot be read", Err: err}
	}
	return nil
}

// Close releases the storage Load opened.
func (m *Metadata) Close() error {
	if m.store != nil {
		return m.store.Close()
	}
	return nil
}

// SharedDir is the directory of a job's (or savepoint's) shared files.
const SharedDir = "shared"

// ChkName is the name of checkpoint id's directory.
func ChkName(id int64) string { return "chk-" + strconv.FormatInt(id, 10) }

// chkID parses a chk-<n> directory name.
func chkID(name string) (int64, bool) {
	s, ok := strings.CutPrefix(strings.TrimSuffix(name, "/"), "chk-")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// Completed lists the ids of the completed checkpoints in the job
// directory job (a key of s), oldest first.
func (s *Store) Completed(ctx context.Context, job string) ([]int64, error) {
	return s.completed(ctx, job+"/")
}

// completed lists the completed checkpoints directly under prefix (a key
// prefix ending in "/" or ""), oldest id first.
func (s *Store) completed(ctx context.Context, prefix string) ([]int64, error) {
	dirs, err := s.list(ctx, prefix, "/")
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, d := range dirs {
		id, ok := chkID(strings.TrimPrefix(d, prefix))
		if !ok {
			continue
		}
		if ok, err := s.Exists(ctx, prefix+ChkName(id)+"/"+MetadataFile); err != nil {
			return nil, err
		} else if ok {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	return ids, nil
}

// Latest returns the path of the newest completed checkpoint under dir,
// a checkpoint directory (of any job id: the one with the latest
// timestamp) or one job's directory; "" if there is none.
func Latest(ctx context.Context, dir string) (string, error) {
	st, err := Open(ctx, dir, false)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Kind == ErrNotFound {
			return "", nil
		}
		return "", err
	}
	defer st.Close()
	prefixes := []string{""}
	jobs, err := st.list(ctx, "", "/")
	if err != nil {
		return "", err
	}
	for _, j := range jobs {
		if _, isChk := chkID(j); !isChk && strings.HasSuffix(j, "/") {
			prefixes = append(prefixes, j)
		}
	}
	best, bestKey := (*Metadata)(nil), ""
	for _, p := range prefixes {
		ids, err := st.completed(ctx, p)
		if err != nil {
			return "", err
		}
		if len(ids) == 0 {
			continue
		}
		key := p + ChkName(ids[len(ids)-1])
		data, err := st.Read(ctx, key+"/"+MetadataFile)
		if err != nil {
			continue // deleted meanwhile by retention
		}
		m, err := decode(st.Path(key), data)
		if err != nil {
			continue
		}
		if best == nil || m.Timestamp.After(best.Timestamp) {
			best, bestKey = m, key
		}
	}
	if best == nil {
		return "", nil
	}
	return st.Path(bestKey), nil
}
