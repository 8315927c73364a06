// Package filewatch notices that a configuration file (the policy, the
// moderators file) has changed, by its content. Polling a digest, rather
// than trusting inotify, mtime or size, sees a Kubernetes ConfigMap update
// (an atomic swap of the ..data symlink, possibly keeping size and mtime)
// and ignores a touch.
package filewatch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"sync"
	"time"
)

// File is one watched file: it remembers the digest of the content last
// loaded or tried, so that a file is reloaded once per change however it
// was loaded (at start, on SIGHUP, by the watch), and a bad file is
// refused once rather than at every tick. It is safe for concurrent use.
type File struct {
	path string
	mu   sync.Mutex
	sum  [sha256.Size]byte
}

// New watches path.
func New(path string) *File { return &File{path: path} }

// Path is the watched file's path.
func (f *File) Path() string { return f.path }

// Read reads the file for a load by any means and records its content as
// seen.
func (f *File) Read() ([]byte, error) {
	b, err := os.ReadFile(f.path)
	if err != nil {
		return nil, err
	}
	f.saw(sha256.Sum256(b))
	return b, nil
}

func (f *File) saw(sum [sha256.Size]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sum = sum
}

// Changed reads the file and returns its content when it differs from the
// content last seen (recording it as seen). A file that cannot be read is
// not a change: it may be briefly missing in the middle of a swap.
func (f *File) Changed() ([]byte, bool) {
	b, err := os.ReadFile(f.path)
	if err != nil {
		return nil, false
	}
	sum := sha256.Sum256(b)
	f.mu.Lock()
	defer f.mu.Unlock()
	if bytes.Equal(sum[:], f.sum[:]) {
		return nil, false
	}
	f.sum = sum
	return b, true
}

// Watch checks the file every interval until ctx ends and calls onChange
// with the new content each time it changes.
func (f *File) Watch(ctx context.Context, interval time.Duration, onChange func([]byte)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	f.WatchTicks(ctx, t.C, onChange)
}

// WatchTicks checks the file at each tick until ctx ends and calls onChange
// with the new content each time it changes. A tick is taken only when the
// previous check (and its onChange) has returned, so a caller that sends on
// an unbuffered channel knows, when its send completes, that every earlier
// tick has been handled: tests drive the watch with it instead of sleeping.
func (f *File) WatchTicks(ctx context.Context, tick <-chan time.Time, onChange func([]byte)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		if b, ok := f.Changed(); ok {
			onChange(b)
		}
	}
}
