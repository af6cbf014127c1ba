package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/sstable"
)

// Store is a pebble database of keyed state on local disk, the storage
// under NewPebbleBackend and the disk-backed group aggregation. Every key
// starts with its key group (two bytes, big-endian), so the entries of a
// key-group range are one contiguous span: a snapshot or a rescaled
// restore reads exactly the span it needs.
//
// The write-ahead log is off: the store is a working copy that a crashed
// job never reopens (it restarts from a checkpoint), and Checkpoint
// flushes the memtables before linking the files.
type Store struct {
	db   *pebble.DB
	dir  string
	opts StoreOptions
}

// StoreOptions tunes a Store's memory use; zero values take the defaults.
type StoreOptions struct {
	// CacheBytes is the block cache (default 16 MiB).
	CacheBytes int64
	// MemTableBytes is the size of one memtable (default 16 MiB). Pebble
	// charges memtables to the block cache, so the cache is made larger
	// by two memtables (the one written and the one being flushed).
	MemTableBytes uint64
}

// metaKeyGroup prefixes store-wide entries (state declarations): above
// every key group, as Flink's maximum parallelism is 32768.
const metaKeyGroup = 0xFFFF

// OpenStore opens (or creates) the store in dir.
func OpenStore(dir string, o StoreOptions) (*Store, error) {
	if o.CacheBytes <= 0 {
		o.CacheBytes = 16 << 20
	}
	if o.MemTableBytes == 0 {
		o.MemTableBytes = 16 << 20
	}
	opts := &pebble.Options{
		CacheSize:                   o.CacheBytes + 2*int64(o.MemTableBytes),
		MemTableSize:                o.MemTableBytes,
		MemTableStopWritesThreshold: 4,
		DisableWAL:                  true,
		Logger:                      pebbleLogger{},
		FormatMajorVersion:          pebble.FormatNewest,
	}
	// Most lookups of a streaming aggregation are for keys never stored
	// (every new key is looked up once): bloom filters answer those
	// without reading a block.
	for i := range opts.Levels {
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
		// Entries are small and numeric (keys, counts, sums): they
		// compress little, and decompressing the block of every random
		// lookup cost more CPU than the larger reads.
		opts.Levels[i].Compression = func() *sstable.CompressionProfile { return sstable.NoCompression }
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state: pebble store: %w", err)
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("state: opening pebble store in %s: %w", dir, err)
	}
	return &Store{db: db, dir: dir, opts: o}, nil
}

// DB returns the pebble database, for callers that read and write their
// own entries (keys built with AppendStateKey).
func (s *Store) DB() *pebble.DB { return s.db }

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// Close closes the database; its directory stays.
func (s *Store) Close() error {
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	return err
}

// Checkpoint writes a consistent copy of the store into the new directory
// dir (which must not exist): SSTables are hard-linked where the file
// system allows and are immutable, so a file name seen in an earlier
// checkpoint needs no upload again (incremental checkpoints).
func (s *Store) Checkpoint(dir string) error {
	if err := s.db.Flush(); err != nil {
		return fmt.Errorf("state: flushing pebble store: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("state: pebble checkpoint: %w", err)
	}
	if err := s.db.Checkpoint(dir, pebble.WithFlushedWAL()); err != nil {
		return fmt.Errorf("state: pebble checkpoint into %s: %w", dir, err)
	}
	return nil
}

// OpenReadOnly opens the checkpoint (or store) in dir for reading.
func OpenReadOnly(dir string) (*Store, error) {
	db, err := pebble.Open(dir, &pebble.Options{ReadOnly: true, Logger: pebbleLogger{}})
	if err != nil {
		return nil, fmt.Errorf("state: opening pebble checkpoint %s: %w", dir, err)
	}
	return &Store{db: db, dir: dir}, nil
}

// CopyFrom adds the entries of key groups r, and the store-wide entries,
// from the checkpoint in dir (written by Checkpoint, possibly by a subtask
// that owned other key groups) to the store.
func (s *Store) CopyFrom(dir string, r KeyGroupRange) error {
	ro, err := OpenReadOnly(dir)
	if err != nil {
		return err
	}
	defer ro.Close()
	src := ro.db
	spans := [][2][]byte{{KeyGroupPrefix(r.Start), KeyGroupPrefix(r.End + 1)}, {KeyGroupPrefix(metaKeyGroup), KeyGroupPrefix(metaKeyGroup + 1)}}
	if r.Len() == 0 {
		spans = spans[1:]
	}
	b := s.db.NewBatch()
	defer func() { _ = b.Close() }()
	for _, sp := range spans {
		it, err := src.NewIter(&pebble.IterOptions{LowerBound: sp[0], UpperBound: sp[1]})
		if err != nil {
			return fmt.Errorf("state: reading pebble checkpoint %s: %w", dir, err)
		}
		for it.First(); it.Valid(); it.Next() {
			v, err := it.ValueAndErr()
			if err != nil {
				_ = it.Close()
				return fmt.Errorf("state: reading pebble checkpoint %s: %w", dir, err)
			}
			if err := b.Set(it.Key(), v, nil); err != nil {
				_ = it.Close()
				return err
			}
			if b.Len() >= 4<<20 {
				if err := b.Commit(pebble.NoSync); err != nil {
					_ = it.Close()
					return err
				}
				b.Reset()
			}
		}
		if err := it.Close(); err != nil {
			return fmt.Errorf("state: reading pebble checkpoint %s: %w", dir, err)
		}
	}
	return b.Commit(pebble.NoSync)
}

// Adopt makes the checkpoint in dir the store's contents without copying
// entries, when the store is empty and every entry of the checkpoint is in
// key groups r (a restore at the parallelism the checkpoint was taken
// with; store-wide entries, the state declarations, are replaced by the
// checkpoint's): the store is reopened on the checkpoint's files, SSTables
// hard-linked (they are immutable), the small metadata files copied, so
// dir is left as it was. It reports false, changing nothing, when that is
// not possible; CopyFrom then does the work.
func (s *Store) Adopt(dir string, r KeyGroupRange) (bool, error) {
	if first, _, err := s.keyGroupSpan(); first >= 0 || err != nil {
		return false, err // not empty
	}
	ro, err := OpenReadOnly(dir)
	if err != nil {
		return false, err
	}
	first, last, err := ro.keyGroupSpan()
	if cerr := ro.Close(); err == nil {
		err = cerr
	}
	if err != nil || (first >= 0 && (!r.Contains(first) || !r.Contains(last))) {
		return false, err
	}
	staged := s.dir + ".adopt"
	if err := linkDir(dir, staged); err != nil {
		_ = os.RemoveAll(staged)
		return false, nil // e.g. dir is on another file system
	}
	if err := s.Close(); err != nil {
		return false, err
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return false, err
	}
	if err := os.Rename(staged, s.dir); err != nil {
		return false, err
	}
	n, err := OpenStore(s.dir, s.opts)
	if err != nil {
		return false, err
	}
	*s = *n
	return true, nil
}

// linkDir fills the new directory to with dir's files: SSTables as hard
// links, the others copied (pebble appends to its MANIFEST).
func linkDir(dir, to string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		src, dst := filepath.Join(dir, e.Name()), filepath.Join(to, e.Name())
		if e.IsDir() {
			continue
		}
		if filepath.Ext(e.Name()) == ".sst" {
			if err := os.Link(src, dst); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// keyGroupSpan returns the first and last key group holding keyed entries,
// -1 when there are none.
func (s *Store) keyGroupSpan() (first, last int, err error) {
	it, err := s.db.NewIter(&pebble.IterOptions{UpperBound: KeyGroupPrefix(metaKeyGroup)})
	if err != nil {
		return -1, -1, err
	}
	first, last = -1, -1
	if it.First() {
		first = int(binary.BigEndian.Uint16(it.Key()))
		if it.Last() {
			last = int(binary.BigEndian.Uint16(it.Key()))
		}
	}
	return first, last, errors.Join(it.Error(), it.Close())
}

// KeyGroupPrefix returns the two bytes every key of key group kg starts
// with.
func KeyGroupPrefix(kg int) []byte {
	return binary.BigEndian.AppendUint16(nil, uint16(kg))
}

// AppendStateKey appends the store key of a keyed entry: key group, state
// id, then the length-prefixed encoded key, so that no key's entries are a
// prefix of another's (map entries append their user key to it).
func AppendStateKey(buf []byte, kg int, id uint32, key []byte) []byte {
	buf = binary.BigEndian.AppendUint16(buf, uint16(kg))
	buf = binary.BigEndian.AppendUint32(buf, id)
	buf = binary.AppendUvarint(buf, uint64(len(key)))
	return append(buf, key...)
}

// StateID is the id a state's entries are stored under: a hash of its
// name, so that stores written by different subtasks agree and a restore
// can merge them key by key.
func StateID(name string) uint32 {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	return h
}

// pebbleLogger keeps pebble's routine messages out of the job's output.
type pebbleLogger struct{}

func (pebbleLogger) Infof(string, ...any) {}
func (pebbleLogger) Errorf(format string, args ...any) {
	slog.Error("pebble: " + fmt.Sprintf(format, args...))
}

// Fatalf is called on corruption the store cannot survive; the task's
// panic recovery turns it into a job failure.
func (pebbleLogger) Fatalf(format string, args ...any) {
	panic(errors.New("pebble: " + fmt.Sprintf(format, args...)))
}
