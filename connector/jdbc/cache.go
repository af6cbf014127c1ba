package jdbc

import (
	"container/list"
	"time"

	"github.com/spry-engine/spry/types"
)

// cachedRows are the rows one lookup key found: rows of a result batch.
// An empty entry (no rows) records a missing key.
type cachedRows struct {
	batch *types.Batch
	rows  []int32
}

// partialCache is Flink's PARTIAL lookup cache (DefaultLookupCache): at
// most maxRows keys, least recently used evicted first; an entry expires
// expireWrite after it was stored and expireAccess after it was last read
// (a zero duration never expires).
type partialCache struct {
	maxRows      int
	expireWrite  time.Duration
	expireAccess time.Duration
	now          func() time.Time // a clock tests can move
	lru          *list.List       // front = most recently used
	entries      map[string]*list.Element
	hits, misses int64
}

type cacheEntry struct {
	key              string
	rows             cachedRows
	written, touched time.Time
}

func newPartialCache(maxRows int, expireWrite, expireAccess time.Duration) *partialCache {
	return &partialCache{maxRows: maxRows, expireWrite: expireWrite, expireAccess: expireAccess,
		now: time.Now, lru: list.New(), entries: map[string]*list.Element{}}
}

// get returns the rows cached for key, if present and not expired.
func (c *partialCache) get(key string) (cachedRows, bool) {
	el, ok := c.entries[key]
	if !ok {
		c.misses++
		return cachedRows{}, false
	}
	e := el.Value.(*cacheEntry)
	now := c.now()
	if (c.expireWrite > 0 && now.Sub(e.written) >= c.expireWrite) ||
		(c.expireAccess > 0 && now.Sub(e.touched) >= c.expireAccess) {
		c.lru.Remove(el)
		delete(c.entries, key)
		c.misses++
		return cachedRows{}, false
	}
	e.touched = now
	c.lru.MoveToFront(el)
	c.hits++
	return e.rows, true
}

// put stores rows for key, evicting the least recently used keys beyond
// maxRows.
func (c *partialCache) put(key string, rows cachedRows) {
	now := c.now()
	if el, ok := c.entries[key]; ok {
		e := el.Value.(*cacheEntry)
		e.rows, e.written, e.touched = rows, now, now
		c.lru.MoveToFront(el)
		return
	}
	c.entries[key] = c.lru.PushFront(&cacheEntry{key: key, rows: rows, written: now, touched: now})
	for c.maxRows > 0 && c.lru.Len() > c.maxRows {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.entries, old.Value.(*cacheEntry).key)
	}
}

// size is the number of cached keys.
func (c *partialCache) size() int { return c.lru.Len() }
