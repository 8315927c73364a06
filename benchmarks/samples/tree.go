package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// maxFileBytes bounds one sample file: zxing-cpp's largest is a few MB, so
// anything far above is not a test image and is refused rather than read.
const maxFileBytes = 64 << 20

// tree is a test/samples folder: its files as slash paths relative to it
// ("qrcode-2/1.png"), and their bytes.
type tree interface {
	list() ([]string, error)
	read(path string) ([]byte, error)
}

// dirTree is an extracted test/samples directory.
type dirTree string

func (d dirTree) list() ([]string, error) {
	var out []string
	err := filepath.WalkDir(string(d), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.Type().IsRegular() {
			rel, err := filepath.Rel(string(d), p)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}

func (d dirTree) read(path string) ([]byte, error) {
	p := filepath.Join(string(d), filepath.FromSlash(path))
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than %d", path, st.Size(), maxFileBytes)
	}
	return os.ReadFile(p)
}

// gitTree reads test/samples at one commit straight from the object store.
// `git archive` cannot be used: zxing-cpp marks test/samples export-ignore
// in its .gitattributes, so an archive of it is empty.
type gitTree struct {
	gitDir string
	commit string            // full hash
	blobs  map[string]string // path under test/samples → blob id
	batch  *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
}

const samplesDir = "test/samples/"

func openGitTree(gitDir, rev string) (*gitTree, error) {
	commit, err := gitOutput(gitDir, "rev-parse", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("zxing-cpp commit %q: %w", rev, err)
	}
	g := &gitTree{gitDir: gitDir, commit: strings.TrimSpace(string(commit)), blobs: map[string]string{}}
	listing, err := gitOutput(gitDir, "ls-tree", "-r", "-z", "--full-tree", g.commit, "--", samplesDir)
	if err != nil {
		return nil, err
	}
	if err := g.parseListing(listing); err != nil {
		return nil, err
	}
	if len(g.blobs) == 0 {
		return nil, fmt.Errorf("commit %s has no files under %s", g.commit, samplesDir)
	}
	return g, g.startBatch()
}

// parseListing reads `git ls-tree -r -z` lines: "MODE TYPE ID\tPATH\x00".
// Only regular files are kept (symlinks and submodules are not samples).
func (g *gitTree) parseListing(listing []byte) error {
	for _, rec := range bytes.Split(listing, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		meta, path, ok := strings.Cut(string(rec), "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return fmt.Errorf("git ls-tree: unexpected line %q", rec)
		}
		if (f[0] != "100644" && f[0] != "100755") || f[1] != "blob" || !strings.HasPrefix(path, samplesDir) {
			continue
		}
		g.blobs[strings.TrimPrefix(path, samplesDir)] = f[2]
	}
	return nil
}

func (g *gitTree) startBatch() error {
	g.batch = exec.Command("git", "--git-dir", g.gitDir, "cat-file", "--batch")
	var err error
	if g.in, err = g.batch.StdinPipe(); err != nil {
		return err
	}
	stdout, err := g.batch.StdoutPipe()
	if err != nil {
		return err
	}
	g.out = bufio.NewReader(stdout)
	return g.batch.Start()
}

func (g *gitTree) list() ([]string, error) {
	out := make([]string, 0, len(g.blobs))
	for p := range g.blobs {
		out = append(out, p)
	}
	return out, nil
}

// read asks the long-lived `git cat-file --batch` for one blob: it answers
// "ID blob SIZE\n" then SIZE bytes and a newline.
func (g *gitTree) read(path string) ([]byte, error) {
	id, ok := g.blobs[path]
	if !ok {
		return nil, fmt.Errorf("%s: not in commit %s", path, g.commit)
	}
	if _, err := fmt.Fprintln(g.in, id); err != nil {
		return nil, err
	}
	header, err := g.out.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	f := strings.Fields(header)
	if len(f) != 3 || f[0] != id || f[1] != "blob" {
		return nil, fmt.Errorf("git cat-file: unexpected answer %q for %s", strings.TrimSpace(header), path)
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return nil, fmt.Errorf("git cat-file: bad size in %q", strings.TrimSpace(header))
	}
	if size > maxFileBytes {
		// The batch stream would have to be drained to go on; stop here.
		return nil, fmt.Errorf("%s: %d bytes, more than %d", path, size, maxFileBytes)
	}
	data := make([]byte, size+1)
	if _, err := io.ReadFull(g.out, data); err != nil {
		return nil, fmt.Errorf("git cat-file: %s: %w", path, err)
	}
	return data[:size], nil
}

func (g *gitTree) close() {
	if g.in != nil {
		g.in.Close()
	}
	if g.batch != nil && g.batch.Process != nil {
		g.batch.Wait()
	}
}

func gitOutput(gitDir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"--git-dir", gitDir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, fmt.Errorf("git %s: %s", args[0], strings.TrimSpace(stderr.String()))
		}
		return nil, err
	}
	return out, nil
}
