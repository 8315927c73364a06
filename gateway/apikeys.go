package gateway

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// APIKeys checks `Authorization: Bearer KEY` against the keys of a file (one
// per line; blank lines and lines starting with # are ignored). Keys are
// kept as SHA-256 digests and compared in constant time, so neither a key's
// content nor its length leaks through timing. The set can be reloaded.
type APIKeys struct {
	path string
	set  atomic.Pointer[[][sha256.Size]byte]
}

// ErrNoAPIKeys is returned when a keys file holds no key.
var ErrNoAPIKeys = errors.New("api keys file holds no key")

// LoadAPIKeys reads path. A nil *APIKeys (path "") accepts every request.
func LoadAPIKeys(path string) (*APIKeys, error) {
	if path == "" {
		return nil, nil
	}
	k := &APIKeys{path: path}
	if err := k.Reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// Reload reads the file again; on error the old keys stay.
func (k *APIKeys) Reload() error {
	if k == nil {
		return nil
	}
	b, err := os.ReadFile(k.path)
	if err != nil {
		return fmt.Errorf("api keys: %w", err)
	}
	var set [][sha256.Size]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set = append(set, sha256.Sum256([]byte(line)))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("api keys %s: %w", k.path, err)
	}
	if len(set) == 0 {
		return fmt.Errorf("api keys %s: %w", k.path, ErrNoAPIKeys)
	}
	k.set.Store(&set)
	return nil
}

// Check reports whether the Authorization header value carries a valid key.
// A nil *APIKeys accepts everything.
func (k *APIKeys) Check(authorization []byte) bool {
	if k == nil {
		return true
	}
	_, ok := k.Identify(authorization)
	return ok
}

// Identify is Check that also names the key: "key:" and the start of its
// SHA-256, an identity the review store can count quotas by and a log can
// show without revealing the key.
func (k *APIKeys) Identify(authorization []byte) (string, bool) {
	if k == nil {
		return "", true
	}
	const prefix = "bearer "
	if len(authorization) <= len(prefix) || !strings.EqualFold(string(authorization[:len(prefix)]), prefix) {
		return "", false
	}
	sum := sha256.Sum256(bytes.TrimSpace(authorization[len(prefix):]))
	ok := 0
	for _, s := range *k.set.Load() { // every key is compared: no early exit
		ok |= subtle.ConstantTimeCompare(sum[:], s[:])
	}
	if ok != 1 {
		return "", false
	}
	return "key:" + hex.EncodeToString(sum[:6]), true
}
