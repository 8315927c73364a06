package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"testing/synctest"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/internal/testfixtures"
	"github.com/qrgate/qrgate/membudget"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/scan"
)

const images = "../../testdata/images"

// record is the union of the image and text records, as a consumer reads them.
type record struct {
	File     string           `json:"file"`
	ID       json.RawMessage  `json:"id"`
	Text     string           `json:"text"`
	Format   string           `json:"format"`
	Verdict  policy.Action    `json:"verdict"`
	Findings []policy.Finding `json:"findings"`
	Error    *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// scanCLI runs `qrgate scan args…` and returns its exit status, its records
// and its stderr.
func scanCLI(t *testing.T, args ...string) (int, []record, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"scan"}, args...), &stdout, &stderr)
	var recs []record
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return code, recs, stderr.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestScanMissingPathIsUsageError: a command-line PATH that does not exist
// is named on stderr, the exit status is 2 and nothing is scanned, even the
// inputs before it.
func TestScanMissingPathIsUsageError(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nonexistent.jpg")
	code, recs, stderr := scanCLI(t, "--text", "加微信 abc_123456", filepath.Join(images, "qr-url.png"), missing)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr, missing) {
		t.Errorf("stderr %q does not name %s", stderr, missing)
	}
	if len(recs) != 0 {
		t.Errorf("%d records printed before the usage error", len(recs))
	}
}

// TestScanWalksEverything: a directory is walked in lexical order and every
// file is an input: an image, a file that is no image (unsupported), an
// entry that cannot be opened (a dangling link) and one that cannot be read
// (a link to a directory) both unreadable. Every unreadable input has the
// contract's single IMAGE_ERROR finding and the policy's on_image_error.
func TestScanWalksEverything(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(images, "qr-url.png"), filepath.Join(dir, "a.png"))
	if err := os.WriteFile(filepath.Join(dir, "b.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "c"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone.png"), filepath.Join(dir, "c", "dangling.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(dir, "c", "loop")); err != nil {
		t.Fatal(err)
	}
	code, recs, stderr := scanCLI(t, dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := []struct{ file, code string }{{"a.png", ""}, {"b.txt", "unsupported"}, {"c/dangling.png", "unreadable"}, {"c/loop", "unreadable"}}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d: %+v", len(recs), len(want), recs)
	}
	for i, w := range want {
		r := recs[i]
		if r.File != filepath.Join(dir, w.file) {
			t.Errorf("record %d is %s, want %s", i, r.File, w.file)
		}
		if w.code == "" {
			if r.Error != nil || r.Verdict != policy.Block || len(r.Findings) != 1 || r.Findings[0].Payload != "https://wa.me/8613812345678" {
				t.Errorf("%s: %+v", w.file, r)
			}
			continue
		}
		if r.Error == nil || r.Error.Code != w.code || r.Error.Message == "" {
			t.Errorf("%s: error %+v, want code %s", w.file, r.Error, w.code)
			continue
		}
		if len(r.Findings) != 1 || r.Findings[0].Symbology != symbology.IMAGE_ERROR || r.Verdict != policy.Warn {
			t.Errorf("%s: verdict %s, findings %+v", w.file, r.Verdict, r.Findings)
		}
	}
}

// TestScanTextsInOrder: --text inputs come first with their position as id,
// then the lines of --texts with their own ids (a line's index when it has
// none), a line that is not JSON giving a bad_input record, then the files;
// --policy is applied to all of them.
func TestScanTextsInOrder(t *testing.T) {
	dir := t.TempDir()
	texts := filepath.Join(dir, "cases.jsonl")
	lines := `{"id":"t-1","text":"全新耳机，包邮"}` + "\n" +
		"\n" +
		`{"text":"加微信 abc_123456","label":"ignored"}` + "\n" +
		`not json` + "\n"
	if err := os.WriteFile(texts, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	pol := filepath.Join(dir, "policy.yaml")
	y := strings.Replace(string(policy.DefaultYAML()), "on_image_error: warn", "on_image_error: block", 1)
	if err := os.WriteFile(pol, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	code, recs, stderr := scanCLI(t, "--policy", pol, "--text", "hello", "--texts", texts, "--text", "wa.me/8613812345678",
		filepath.Join(images, "err-corrupt.png"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := []struct {
		id      string
		verdict policy.Action
	}{{"0", policy.Allow}, {"1", policy.Block}, {`"t-1"`, policy.Allow}, {"2", policy.Block}, {"null", policy.Allow}}
	if len(recs) != len(want)+1 {
		t.Fatalf("%d records: %+v", len(recs), recs)
	}
	for i, w := range want {
		if string(recs[i].ID) != w.id || recs[i].Verdict != w.verdict {
			t.Errorf("record %d: id %s verdict %s, want id %s verdict %s", i, recs[i].ID, recs[i].Verdict, w.id, w.verdict)
		}
	}
	if e := recs[4].Error; e == nil || e.Code != "bad_input" || !strings.Contains(e.Message, "line 4") {
		t.Errorf("bad line: %+v", recs[4])
	}
	if r := recs[5]; r.Error == nil || r.Error.Code != "corrupt" || r.Verdict != policy.Block {
		t.Errorf("corrupt image under on_image_error: block: %+v", r)
	}
}

// TestScanTooLarge: a file over --max-bytes is too_large without being read whole.
func TestScanTooLarge(t *testing.T) {
	code, recs, _ := scanCLI(t, "--max-bytes", "100", filepath.Join(images, "qr-url.png"))
	if code != exitOK || len(recs) != 1 || recs[0].Error == nil || recs[0].Error.Code != "too_large" {
		t.Errorf("exit %d, %+v", code, recs)
	}
}

// TestScanTooComplex: a progressive JPEG of 2000 scans is refused from its
// markers (too_complex, warn); --max-image-work, or QRGATE_MAX_IMAGE_WORK
// when the flag is not given, sets the limit.
func TestScanTooComplex(t *testing.T) {
	dir := t.TempDir()
	bomb, modest := filepath.Join(dir, "bomb.jpg"), filepath.Join(dir, "modest.jpg")
	writeFile(t, bomb, testfixtures.ProgressiveJPEG(1024, 1024, 2000))
	writeFile(t, modest, testfixtures.ProgressiveJPEG(512, 512, 100)) // 26 megapixel-passes
	errCode := func(r record) string {
		if r.Error == nil {
			return ""
		}
		return r.Error.Code
	}
	code, recs, _ := scanCLI(t, bomb, modest)
	if code != exitOK || len(recs) != 2 || errCode(recs[0]) != "too_complex" || recs[0].Verdict != policy.Warn || errCode(recs[1]) != "" {
		t.Errorf("default limit: exit %d, %+v", code, recs)
	}
	if _, recs, _ = scanCLI(t, "--max-image-work", "20", modest); len(recs) != 1 || errCode(recs[0]) != "too_complex" {
		t.Errorf("--max-image-work 20: %+v", recs)
	}
	t.Setenv("QRGATE_MAX_IMAGE_WORK", "20")
	if _, recs, _ = scanCLI(t, modest); len(recs) != 1 || errCode(recs[0]) != "too_complex" {
		t.Errorf("QRGATE_MAX_IMAGE_WORK=20: %+v", recs)
	}
	if _, recs, _ = scanCLI(t, "--max-image-work", "30", modest); len(recs) != 1 || errCode(recs[0]) != "" {
		t.Errorf("QRGATE_MAX_IMAGE_WORK=20 and --max-image-work 30: the flag must win: %+v", recs)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestScanFatalAndUsage: exit statuses of the command's own failures.
func TestScanFatalAndUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"invalid policy", []string{"--policy", bad, "--text", "x"}, exitFatal},
		{"missing texts file", []string{"--texts", filepath.Join(dir, "none.jsonl")}, exitFatal},
		{"nothing to scan", nil, exitUsage},
		{"unknown flag", []string{"--no-such-flag"}, exitUsage},
		{"help", []string{"--help"}, exitOK},
	} {
		if code, _, _ := scanCLI(t, c.args...); code != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, code, c.want)
		}
	}
}

// failWriter fails every write: output that cannot be written is fatal.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestScanOutputUnwritable(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"scan", "--text", "x"}, failWriter{}, &stderr); code != exitFatal || !strings.Contains(stderr.String(), "disk full") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// TestRunOrderedFlushesInOrder: lines come out in input order however the
// jobs finish, and each line is written as soon as it and every line before
// it are done: line 0 reaches the reader while job 1 is still running.
func TestRunOrderedFlushesInOrder(t *testing.T) {
	release1 := make(chan struct{})
	started2 := make(chan struct{})
	jobs := []job{
		func() []byte { <-started2; return []byte("zero") }, // finishes after job 2 has started
		func() []byte { <-release1; return []byte("one") },
		func() []byte { close(started2); return []byte("two") },
	}
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- runOrdered(jobs, 3, pw); pw.Close() }()
	rd := bufio.NewReader(pr)
	first := make(chan string, 1)
	go func() { line, _ := rd.ReadString('\n'); first <- line }()
	select {
	case line := <-first:
		if line != "zero\n" {
			t.Fatalf("first line %q", line)
		}
	case <-time.After(10 * time.Second): // a bound on a hang, not a measure
		close(release1)
		t.Fatal("line 0 was not written while job 1 was running")
	}
	close(release1) // only now can line 1 (and line 2 after it) be written
	rest, err := io.ReadAll(rd)
	if err != nil || string(rest) != "one\ntwo\n" {
		t.Fatalf("rest %q, %v", rest, err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// TestRunOrderedBoundsWorkers: no more than n jobs run at once, and all run.
// The jobs hold their workers until the test lets them go; inside a
// synctest bubble, synctest.Wait returns once every goroutine is blocked,
// so by then a broken bound has started every job it would start, and the
// peak shows it (no sleep standing in for "long enough").
func TestRunOrderedBoundsWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n, total = 2, 12
		var inflight, peak, ran atomic.Int64
		gate := make(chan struct{})
		var jobs []job
		for range total {
			jobs = append(jobs, func() []byte {
				now := inflight.Add(1)
				for p := peak.Load(); now > p && !peak.CompareAndSwap(p, now); p = peak.Load() {
				}
				<-gate
				ran.Add(1)
				inflight.Add(-1)
				return []byte("x")
			})
		}
		errc := make(chan error, 1)
		go func() { errc <- runOrdered(jobs, n, io.Discard) }()
		synctest.Wait()
		if got := inflight.Load(); got != n {
			t.Errorf("%d jobs running while all were held; want the bound, %d", got, n)
		}
		close(gate)
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if ran.Load() != total || peak.Load() != n {
			t.Errorf("ran %d jobs (want %d), at most %d at once (bound %d)", ran.Load(), total, peak.Load(), n)
		}
	})
}

// unlistable is a file system whose directory "locked" cannot be listed.
type unlistable struct{ fstest.MapFS }

func (u unlistable) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == "locked" {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrPermission}
	}
	return u.MapFS.ReadDir(name)
}

// TestWalkKeepsUnlistableDirectories: a directory that cannot be listed is
// an input with its error (an unreadable record), not a silent gap.
func TestWalkKeepsUnlistableDirectories(t *testing.T) {
	fsys := unlistable{fstest.MapFS{
		"a.png":        {Data: []byte("x")},
		"locked/b.png": {Data: []byte("x")},
		"z/c.png":      {Data: []byte("x")},
	}}
	ins := walkFS(fsys, "root")
	var got []string
	for _, in := range ins {
		got = append(got, fmt.Sprintf("%s:%v", in.path, in.err != nil))
	}
	want := "[root/a.png:false root/locked:true root/z/c.png:false]"
	if fmt.Sprint(got) != want {
		t.Fatalf("walk %v, want %s", got, want)
	}
	var s scanner
	s.pol = policy.Default()
	var r record
	if err := json.Unmarshal(s.imageJob(ins[1])(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Error == nil || r.Error.Code != "unreadable" || r.Verdict != policy.Warn {
		t.Errorf("record of the unlistable directory: %+v", r)
	}
}

// TestScanTextFindingsCap: --max-text-findings bounds what one text lists;
// the most severe findings stay and one too_many_findings finding counts the
// rest. The default is 50.
func TestScanTextFindingsCap(t *testing.T) {
	code, recs, stderr := scanCLI(t, "--max-text-findings", "2", "--text", "x.io/1 x.io/2 x.io/3，微信：abc_123456")
	if code != exitOK || len(recs) != 1 {
		t.Fatalf("exit %d, %d records, %s", code, len(recs), stderr)
	}
	var got []string
	for _, f := range recs[0].Findings {
		got = append(got, fmt.Sprint(f.Category, " ", f.Identifier, " ", f.Count))
	}
	if want := []string{"external_link x.io/1 0", "wechat abc_123456 0", "too_many_findings  2"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings %q, want %q", got, want)
	}
	if recs[0].Verdict != policy.Block {
		t.Errorf("verdict %s, want block", recs[0].Verdict)
	}
	var links strings.Builder
	for i := range 60 {
		fmt.Fprintf(&links, "x.io/%d ", i)
	}
	_, recs, _ = scanCLI(t, "--text", links.String())
	if n := len(recs[0].Findings); n != policy.DefaultMaxTextFindings+1 || recs[0].Findings[n-1].Count != 10 {
		t.Errorf("60 links at the default cap: %d findings", n)
	}
	if code, _, stderr := scanCLI(t, "--max-text-findings", "0", "--text", "x"); code != exitUsage || !strings.Contains(stderr, "max-text-findings") {
		t.Errorf("--max-text-findings 0: exit %d, %s", code, stderr)
	}
}

// TestScanDecodeMemory: `qrgate scan -j N` decodes under one memory budget
// like the server: each image holds what its headers say its decode needs
// while it decodes, so jobs never hold more than the budget together
// (however large -j), and an image needing more than the whole budget is
// too_large, naming the budget.
func TestScanDecodeMemory(t *testing.T) {
	dir := t.TempDir()
	photo := testfixtures.ProgressiveJPEG(512, 512, 10)
	info, err := image.Inspect(photo)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i := range 6 {
		p := filepath.Join(dir, fmt.Sprintf("%d.jpg", i))
		writeFile(t, p, photo)
		paths = append(paths, p)
	}

	_, recs, _ := scanCLI(t, "--max-decode-memory", fmt.Sprint(info.Bytes-1), paths[0])
	if len(recs) != 1 || recs[0].Error == nil || recs[0].Error.Code != "too_large" || !strings.Contains(recs[0].Error.Message, "decode memory budget") {
		t.Fatalf("an image needing %d bytes under a budget one byte smaller: %+v", info.Bytes, recs)
	}

	// Room for two decodes, six jobs at once.
	s := &scanner{pol: policy.Default(), limits: decoder.New(decoder.Config{}).Limits(), mem: membudget.New(2*info.Bytes + info.Bytes/2), maxBytes: 1 << 20}
	var inFlight, most atomic.Int64
	var short atomic.Int64
	direct := scan.Direct(decoder.New(decoder.Config{}))
	s.decode = func(ctx context.Context, images [][]byte) ([]scan.Decoded, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if used := s.mem.InUse(); used < n*info.Bytes {
			short.Store(used)
		}
		return direct(ctx, images)
	}
	var jobs []job
	for _, p := range paths {
		jobs = append(jobs, s.imageJob(input{path: p}))
	}
	var out bytes.Buffer
	if err := runOrdered(jobs, len(jobs), &out); err != nil {
		t.Fatal(err)
	}
	if used := short.Load(); used != 0 {
		t.Errorf("a decode ran while only %d bytes were reserved; each holds %d", used, info.Bytes)
	}
	if m := most.Load(); m > 2 {
		t.Errorf("%d decodes at once under a budget for two", m)
	}
	if s.mem.InUse() != 0 {
		t.Errorf("%d bytes still reserved after every job ended", s.mem.InUse())
	}
	if got := strings.Count(out.String(), `"error":null`); got != len(paths) {
		t.Errorf("%d of %d images scanned without an error:\n%s", got, len(paths), out.String())
	}
}
