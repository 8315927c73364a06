package thumbs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// cache keeps thumbnails on disk as <dir>/<sha[:2]>/<sha>-<side>.jpg (or
// .svg for a placeholder), bounded in bytes: past the bound the least
// recently used go first (a hit refreshes a file's mtime).
type cache struct {
	dir string
	max int64

	mu    sync.Mutex // guards total and serialises eviction
	total int64
}

// exts are the file kinds the cache holds, by content type.
var exts = map[string]string{".jpg": "image/jpeg", ".svg": "image/svg+xml"}

func openCache(dir string, max int64) (*cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("thumbnail cache: %w", err)
	}
	c := &cache{dir: dir, max: max}
	files, err := c.files()
	if err != nil {
		return nil, fmt.Errorf("thumbnail cache: %w", err)
	}
	for _, f := range files {
		c.total += f.size
	}
	return c, nil
}

// validSHA keeps a hash from naming a path outside the cache.
func validSHA(sha string) bool {
	return len(sha) == 64 && strings.Trim(sha, "0123456789abcdef") == ""
}

func (c *cache) path(sha string, side int, ext string) string {
	return filepath.Join(c.dir, sha[:2], fmt.Sprintf("%s-%d%s", sha, side, ext))
}

func (c *cache) get(sha string, side int) (Thumb, bool) {
	if !validSHA(sha) {
		return Thumb{}, false
	}
	for ext, ct := range exts {
		p := c.path(sha, side, ext)
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		now := time.Now()
		os.Chtimes(p, now, now) //nolint:errcheck // recency only orders eviction
		t := Thumb{Body: b, ContentType: ct}
		if ext == ".svg" {
			t.Reason = placeholderReason(b)
		}
		return t, true
	}
	return Thumb{}, false
}

// placeholderReason reads the reason back out of a cached placeholder.
func placeholderReason(b []byte) string {
	const mark = "no thumbnail: "
	s := string(b)
	i := strings.Index(s, mark)
	if i < 0 {
		return "corrupt"
	}
	s = s[i+len(mark):]
	if j := strings.IndexByte(s, '<'); j >= 0 {
		s = s[:j]
	}
	return s
}

// put writes t atomically (a reader never sees half a file) and evicts
// past the bound.
func (c *cache) put(sha string, side int, t Thumb) error {
	if !validSHA(sha) {
		return errors.New("not a SHA-256")
	}
	ext := ".jpg"
	if t.Reason != "" {
		ext = ".svg"
	}
	p := c.path(sha, side, ext)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(t.Body); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total += int64(len(t.Body))
	if c.total > c.max {
		return c.evictLocked()
	}
	return nil
}

type cacheFile struct {
	path string
	size int64
	used time.Time
}

// files lists the cached files (not the temporary ones).
func (c *cache) files() ([]cacheFile, error) {
	var out []cacheFile
	err := filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while walking
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		out = append(out, cacheFile{path: p, size: fi.Size(), used: fi.ModTime()})
		return nil
	})
	return out, err
}

// evictLocked removes the least recently used files until the cache holds
// at most three quarters of its bound (so that eviction, a walk of the
// directory, runs once per many insertions, not at each).
func (c *cache) evictLocked() error {
	files, err := c.files()
	if err != nil {
		return err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].used.Before(files[j].used) })
	c.total = 0
	for _, f := range files {
		c.total += f.size
	}
	for _, f := range files {
		if c.total <= c.max*3/4 {
			break
		}
		if err := os.Remove(f.path); err == nil || errors.Is(err, fs.ErrNotExist) {
			c.total -= f.size
		}
	}
	return nil
}

// forget removes every size of sha.
func (c *cache) forget(sha string) {
	if !validSHA(sha) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, side := range Sides {
		for ext := range exts {
			p := c.path(sha, side, ext)
			if fi, err := os.Stat(p); err == nil && os.Remove(p) == nil {
				c.total -= fi.Size()
			}
		}
	}
}

// sweep removes the files last used before t.
func (c *cache) sweep(t time.Time) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	files, err := c.files()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range files {
		if f.used.Before(t) && os.Remove(f.path) == nil {
			c.total -= f.size
			n++
		}
	}
	return n, nil
}
