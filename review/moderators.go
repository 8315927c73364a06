package review

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// TokenFileName is where a generated moderator token is kept in the data dir.
const TokenFileName = "moderator-token"

// minTokenLen keeps hand-written tokens out of brute-force reach.
const minTokenLen = 16

var nameRE = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// moderator is one configured name and token. The token is kept to derive
// CSRF tokens and session tags from it (so every replica with the same
// moderators file agrees on them, and changing a token ends its sessions);
// lookups compare hashes so that the comparison time does not depend on
// the token's length.
type moderator struct {
	name  string
	token []byte
	hash  [32]byte
}

// moderators is the immutable set of accepted tokens.
type moderators struct {
	list []moderator
}

// generatedModerators reads the generated token in dataDir (creating it,
// and logging it once, the first time): the moderators when there is no
// moderators file. The file holds the token alone, so that
// `Authorization: Bearer $(cat qrgate-data/moderator-token)` and pasting
// the file into the login page both work; it is moderator "admin"'s. Files
// written before hold "admin TOKEN" and are still read.
func generatedModerators(dataDir string, log *slog.Logger) (*moderators, error) {
	if dataDir == "" {
		return nil, errors.New("no moderators: set a moderators file or a data dir to keep a generated token in")
	}
	path := filepath.Join(dataDir, TokenFileName)
	b, err := os.ReadFile(path)
	if err == nil {
		log.Info("moderator token (no moderators file): its file", "moderator", generatedName, "file", absPath(path))
		return parseGenerated(b, path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("moderator token: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("moderator token: %w", err)
	}
	token := hex.EncodeToString(raw)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("moderator token: %w", err)
	}
	// O_EXCL: two processes starting on one data dir must not both
	// generate (and print) a token, one of them then invalid.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return generatedModerators(dataDir, log)
	}
	if err != nil {
		return nil, fmt.Errorf("moderator token: %w", err)
	}
	line := token + "\n"
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return nil, fmt.Errorf("moderator token: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("moderator token: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("moderator token: %w", err)
	}
	log.Warn("no moderators file: generated a moderator token; it is shown only this once (it is kept in the file)",
		"moderator", generatedName, "token", token, "file", absPath(path))
	return parseGenerated([]byte(line), path)
}

// generatedName is the moderator the generated token belongs to.
const generatedName = "admin"

// parseGenerated reads the generated token file: the token alone, or the
// "admin TOKEN" line earlier versions wrote.
func parseGenerated(b []byte, src string) (*moderators, error) {
	if f := strings.Fields(string(b)); len(f) == 1 {
		b = []byte(generatedName + " " + f[0] + "\n")
	}
	return parseModerators(b, src)
}

// absPath is path made absolute for a log line (a relative data dir means
// nothing to someone reading the log from elsewhere).
func absPath(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}

// presentedToken is the token in what a moderator presented: the value
// itself, or the last word of a pasted "name TOKEN" line (a moderators
// file's line, or an old generated token file) — a token has no spaces.
func presentedToken(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// parseModerators parses "name token" lines; blank lines and # comments
// are skipped.
func parseModerators(b []byte, src string) (*moderators, error) {
	m := &moderators{}
	seen := map[string]bool{}
	tokens := map[[32]byte]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		switch {
		case len(f) != 2:
			return nil, fmt.Errorf("%s:%d: want \"name token\"", src, n)
		case !nameRE.MatchString(f[0]):
			return nil, fmt.Errorf("%s:%d: moderator name %q: use letters, digits and ._@- (at most 64)", src, n, f[0])
		case len(f[1]) < minTokenLen:
			return nil, fmt.Errorf("%s:%d: token of %s is shorter than %d characters", src, n, f[0], minTokenLen)
		case seen[f[0]]:
			return nil, fmt.Errorf("%s:%d: moderator %s listed twice", src, n, f[0])
		}
		hash := sha256.Sum256([]byte(f[1]))
		// One token for two names would log one moderator's decisions
		// under the other's name.
		if other, ok := tokens[hash]; ok {
			return nil, fmt.Errorf("%s:%d: %s has the same token as %s: give each moderator a token of their own", src, n, f[0], other)
		}
		seen[f[0]], tokens[hash] = true, f[0]
		m.list = append(m.list, moderator{name: f[0], token: []byte(f[1]), hash: hash})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	if len(m.list) == 0 {
		return nil, fmt.Errorf("%s: no moderators", src)
	}
	return m, nil
}

// byToken finds the moderator holding token, comparing against every entry
// in constant time.
func (m *moderators) byToken(token string) (string, bool) {
	h := sha256.Sum256([]byte(token))
	found := -1
	for i := range m.list {
		if subtle.ConstantTimeCompare(h[:], m.list[i].hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 || token == "" {
		return "", false
	}
	return m.list[found].name, true
}

// changes lists who was added, removed, or given a new token from m to
// next (names only: the log must never hold a token).
func (m *moderators) changes(next *moderators) (added, removed, changed []string) {
	for _, md := range next.list {
		switch old := m.byName(md.name); {
		case old == nil:
			added = append(added, md.name)
		case old.hash != md.hash:
			changed = append(changed, md.name)
		}
	}
	for _, md := range m.list {
		if next.byName(md.name) == nil {
			removed = append(removed, md.name)
		}
	}
	return added, removed, changed
}

func (m *moderators) byName(name string) *moderator {
	for i := range m.list {
		if m.list[i].name == name {
			return &m.list[i]
		}
	}
	return nil
}

// mac signs msg with the moderator's token.
func (md *moderator) mac(msg string) string {
	h := hmac.New(sha256.New, md.token)
	h.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// tag identifies the moderator's current token without revealing it: a
// session records it, and a session whose tag no longer matches was made
// with a token that has since changed.
func (md *moderator) tag() string { return md.mac("session-tag") }

// csrf is the anti-forgery token of a session: bound to the session cookie,
// so it changes at every login and cannot be guessed without the token.
func (m *moderators) csrf(name, session string) string {
	md := m.byName(name)
	if md == nil {
		return ""
	}
	return md.mac("csrf|" + session)
}

func (m *moderators) checkCSRF(name, session, got string) bool {
	want := m.csrf(name, session)
	return want != "" && hmac.Equal([]byte(want), []byte(got))
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
