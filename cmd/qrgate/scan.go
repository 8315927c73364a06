package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/membudget"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/scan"
)

const scanUsage = `Usage: qrgate scan [--policy FILE] [--text TEXT]... [--texts FILE.jsonl] [PATH]...

Scans every image file under each PATH (directories are walked recursively in
lexical order) and every text, and prints one JSON line per input, in input
order: first each --text, then each line of --texts, then the files.
Exit status: 0 when every input was processed (per-input errors are in their
records), 1 on a fatal error, 2 on a usage error (a PATH that does not exist
included: nothing is scanned then).

Flags:
`

type stringList []string

func (l *stringList) String() string     { return fmt.Sprint(*l) }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

type scanFlags struct {
	policyFile string
	texts      stringList
	textsFile  string
	jobs       int
	maxBytes   int64
	maxPixels  int
	maxText    int
	maxWork    int
	budget     decoder.Work
	decodeMem  byteSize
	paths      []string
}

func parseScanFlags(args []string, stderr io.Writer) (*scanFlags, error) {
	f := &scanFlags{budget: decoder.DefaultBudget}
	fset := flag.NewFlagSet("qrgate scan", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, scanUsage); fset.PrintDefaults() }
	fset.StringVar(&f.policyFile, "policy", "", "policy `FILE` (default: the built-in policy)")
	fset.Var(&f.texts, "text", "a listing `TEXT` to scan (repeatable)")
	fset.StringVar(&f.textsFile, "texts", "", "`FILE.jsonl` of {\"id\":…,\"text\":…} objects to scan")
	fset.IntVar(&f.jobs, "j", runtime.GOMAXPROCS(0), "images scanned in parallel")
	sizeFlag(fset, &f.maxBytes, "max-bytes", 64<<20, "files larger than this size, in `bytes` or with a unit (64MiB), are refused (too_large)")
	fset.IntVar(&f.maxPixels, "max-pixels", decoder.DefaultMaxPixels, "images declaring more pixels are refused (too_large)")
	fset.IntVar(&f.maxText, "max-text-findings", policy.DefaultMaxTextFindings, "findings one text lists; past it, the most severe are kept and one too_many_findings finding counts the rest")
	fset.IntVar(&f.maxWork, "max-image-work", decoder.DefaultMaxWork, "images whose headers show more decoding work, in megapixel-passes, are refused (too_complex); env QRGATE_MAX_IMAGE_WORK")
	fset.Var(&f.decodeMem, "max-decode-memory", "decode memory budget `size` (e.g. 192MiB) shared by the -j jobs: each image reserves what its headers say its decode holds before it is decoded, waiting while other jobs hold it; one needing more than all of it is too_large (default: what serve derives for GOMAXPROCS workers)")
	fset.Var(&f.budget, "image-budget", "work budget of one image's strategies, in megapixel-passes (a plain `number`; 1 MPass = a million pixels of pyramid levels scanned, reader calls charged their equivalent; not a time, so the same image is cut at the same point whatever the load); an image cut short has error timeout and partial: true")
	// Flags and paths may be interleaved.
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		args = fset.Args()
		if len(args) == 0 {
			break
		}
		f.paths = append(f.paths, args[0])
		args = args[1:]
	}
	// The work limit is an operator's setting, shared with serve's
	// environment; the scan's other flags are the caller's.
	if err := applyEnv(fset, only("QRGATE_MAX_IMAGE_WORK", os.Getenv)); err != nil {
		return nil, err
	}
	if len(f.paths) == 0 && len(f.texts) == 0 && f.textsFile == "" {
		fset.Usage()
		return nil, errors.New("nothing to scan: give a PATH, --text or --texts")
	}
	if f.jobs < 1 {
		f.jobs = 1
	}
	if f.maxText < 1 {
		return nil, fmt.Errorf("--max-text-findings must be at least 1, got %d", f.maxText)
	}
	return f, nil
}

// only is getenv restricted to one variable.
func only(name string, getenv func(string) string) func(string) string {
	return func(k string) string {
		if k != name {
			return ""
		}
		return getenv(k)
	}
}

// job is one input; run produces its output line.
type job func() []byte

func runScan(args []string, stdout, stderr io.Writer) int {
	f, err := parseScanFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(stderr, "qrgate scan:", err)
		return exitUsage
	}
	if err := checkPaths(f.paths); err != nil {
		fmt.Fprintln(stderr, "qrgate scan:", err)
		return exitUsage
	}
	pol := policy.Default()
	if f.policyFile != "" {
		if pol, err = policy.Load(f.policyFile); err != nil {
			fmt.Fprintln(stderr, "qrgate scan:", err)
			return exitFatal
		}
	}
	dec := decoder.New(decoder.Config{MaxPixels: f.maxPixels, MaxWork: f.maxWork, Budget: f.budget})
	s := &scanner{
		pol:      pol,
		decode:   scan.Direct(dec),
		limits:   dec.Limits(),
		mem:      membudget.New(scanDecodeMemory(int64(f.decodeMem))),
		maxBytes: f.maxBytes,
		maxText:  f.maxText,
	}
	var jobs []job
	for i, t := range f.texts {
		jobs = append(jobs, s.textJob(json.RawMessage(fmt.Sprint(i)), t))
	}
	if f.textsFile != "" {
		tj, err := s.textsFileJobs(f.textsFile)
		if err != nil {
			fmt.Fprintln(stderr, "qrgate scan:", err)
			return exitFatal
		}
		jobs = append(jobs, tj...)
	}
	for _, p := range f.paths {
		for _, in := range walk(p) {
			jobs = append(jobs, s.imageJob(in))
		}
	}
	if err := runOrdered(jobs, f.jobs, stdout); err != nil {
		fmt.Fprintln(stderr, "qrgate scan: writing output:", err)
		return exitFatal
	}
	return exitOK
}

// checkPaths refuses a command-line PATH that does not exist: a typo must
// not pass for a clean scan. A PATH that exists but cannot be read is an
// input like any other (an unreadable record).
func checkPaths(paths []string) error {
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: no such file or directory", p)
		}
	}
	return nil
}

// runOrdered runs jobs on n workers and writes their lines in input order,
// flushing each as soon as it and every line before it are done.
func runOrdered(jobs []job, n int, w io.Writer) error {
	out := make([]chan []byte, len(jobs))
	for i := range out {
		out[i] = make(chan []byte, 1)
	}
	next := make(chan int)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(next)
		for i := range jobs {
			select {
			case next <- i:
			case <-done:
				return
			}
		}
	}()
	for range min(n, max(len(jobs), 1)) {
		go func() {
			for i := range next {
				out[i] <- jobs[i]()
			}
		}()
	}
	bw := bufio.NewWriter(w)
	for _, ch := range out {
		line := <-ch
		if _, err := bw.Write(append(line, '\n')); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// input is one file to scan, or the error met reaching it.
type input struct {
	path string
	err  error
}

// walk lists a file, or a directory's files recursively in lexical order.
func walk(root string) []input {
	st, err := os.Stat(root)
	if err != nil {
		return []input{{root, err}}
	}
	if !st.IsDir() {
		return []input{{path: root}}
	}
	return walkFS(os.DirFS(root), root)
}

// walkFS lists the files of fsys, named under root. Nothing met is skipped:
// a directory that cannot be listed is an input carrying its error.
func walkFS(fsys fs.FS, root string) []input {
	var ins []input
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		path := filepath.Join(root, filepath.FromSlash(p))
		switch {
		case err != nil:
			ins = append(ins, input{path, err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
		case !d.IsDir():
			ins = append(ins, input{path: path})
		}
		return nil
	})
	// The whole path in lexical order, as the command has always listed.
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].path < ins[j].path })
	return ins
}

// scanDecodeMemory is scan's decode memory budget: the flag's size, or the
// budget serve derives by default for as many workers as there are
// processors (192 MiB on 2), whatever -j says: -j sets how many images
// are scanned at once, the budget how much their decodes hold.
func scanDecodeMemory(flag int64) int64 {
	if flag > 0 {
		return flag
	}
	workers := runtime.GOMAXPROCS(0)
	limit, _, _ := memoryLimit("auto", workers, func(string) string { return "" }, func() (uint64, error) { return 0, nil })
	return decodeMemory(0, limit, workers)
}

// scanner scans the CLI's inputs, each as a listing of its own.
type scanner struct {
	pol      *policy.Policy
	decode   scan.Decode
	limits   image.Limits      // the decoder's, to know which images it decodes at all
	mem      *membudget.Budget // reserved before each decode, shared by the jobs
	maxBytes int64
	maxText  int // findings one text lists
}

// noDeadline: a job waits for decode memory as long as the other jobs hold
// it (they always finish: each decode is bounded by its work).
const noDeadline = time.Duration(math.MaxInt64)

// reserve takes from the decode memory budget what decoding data will hold,
// by its headers, waiting for other jobs to give it back. An image the
// decoder refuses from its headers reserves nothing; one needing more than
// the whole budget is refused with too_large (the server's answer).
func (s *scanner) reserve(data []byte) (free func(), refused *decoder.Error) {
	info, err := image.Inspect(data)
	if err != nil || s.limits.Check(info) != nil {
		return func() {}, nil
	}
	free, err = s.mem.Acquire(context.Background(), info.Bytes, noDeadline)
	if err != nil { // ErrTooLarge: the only error without a deadline
		return nil, &decoder.Error{Code: decoder.ErrTooLarge, Err: err,
			Message: fmt.Sprintf("decoding this %dx%d %s needs about %d MiB, over the decode memory budget of %d MiB",
				info.Width, info.Height, info.Format, info.Bytes>>20, s.mem.Max()>>20)}
	}
	return free, nil
}

type imageRecord struct {
	File     string           `json:"file"`
	Format   string           `json:"format"`
	Width    int              `json:"width"`
	Height   int              `json:"height"`
	Frames   int              `json:"frames"`
	Verdict  policy.Action    `json:"verdict"`
	Findings []policy.Finding `json:"findings"`
	Error    *scan.ImageError `json:"error"`
	Partial  bool             `json:"partial"`
	// WorkMPass is the work the strategies were charged, in the unit of
	// --image-budget: what to measure a budget against.
	WorkMPass float64 `json:"work_mpass"`
	ElapsedMS float64 `json:"elapsed_ms"`
}

// imageJob scans one file as a listing of one image. A file that cannot be
// read is that image's error (unreadable, or too_large), so its record has
// the IMAGE_ERROR finding and verdict of any unreadable image.
func (s *scanner) imageJob(in input) job {
	return func() []byte {
		start := time.Now()
		decode := s.decode
		var data []byte
		err := in.err
		if err == nil {
			data, err = readLimited(in.path, s.maxBytes)
		}
		var failed error
		if err != nil {
			failed = readError(err)
		} else {
			free, refused := s.reserve(data)
			if refused != nil {
				failed = refused
			} else {
				defer free()
			}
		}
		if failed != nil {
			decode = func(context.Context, [][]byte) ([]scan.Decoded, error) {
				return []scan.Decoded{{Err: failed}}, nil
			}
		}
		l, err := scan.Scan(context.Background(), s.pol, scan.Input{Images: [][]byte{data}}, decode)
		if err != nil { // only a programming error: keep the line count right anyway
			return mustJSON(imageRecord{File: in.path, Verdict: policy.Allow, Findings: []policy.Finding{},
				Error: &scan.ImageError{Code: "internal", Message: err.Error()}})
		}
		img := l.Images[0]
		return mustJSON(imageRecord{
			File: in.path, Format: img.Format, Width: img.Width, Height: img.Height, Frames: img.Frames,
			Verdict: l.Verdict, Findings: l.Findings, Error: img.Error, Partial: img.Partial,
			WorkMPass: float64(img.Work) / float64(decoder.MPass), ElapsedMS: ms(time.Since(start)),
		})
	}
}

var errTooBig = errors.New("file too large")

func readLimited(file string, maxBytes int64) ([]byte, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxBytes {
		return nil, errTooBig
	}
	return data, nil
}

func readError(err error) *decoder.Error {
	if errors.Is(err, errTooBig) {
		return &decoder.Error{Code: decoder.ErrTooLarge, Message: err.Error(), Err: err}
	}
	return &decoder.Error{Code: scan.ErrUnreadable, Message: "cannot read file: " + err.Error(), Err: err}
}

type textRecord struct {
	ID       json.RawMessage  `json:"id"`
	Text     string           `json:"text"`
	Verdict  policy.Action    `json:"verdict"`
	Findings []policy.Finding `json:"findings"`
	Error    *scan.ImageError `json:"error,omitempty"`
}

// textJob scans one text as a listing of one text.
func (s *scanner) textJob(id json.RawMessage, text string) job {
	return func() []byte {
		l, err := scan.Scan(context.Background(), s.pol, scan.Input{Texts: []string{text}, MaxTextFindings: s.maxText}, s.decode)
		if err != nil { // only a programming error: keep the line count right anyway
			return mustJSON(textRecord{ID: id, Text: text, Verdict: policy.Allow, Findings: []policy.Finding{},
				Error: &scan.ImageError{Code: "internal", Message: err.Error()}})
		}
		return mustJSON(textRecord{ID: id, Text: text, Verdict: l.Verdict, Findings: l.Findings})
	}
}

// textsFileJobs reads a JSON Lines file of {"id":…,"text":…} objects. A line
// that is not such an object is an input with a bad_input error, so the
// output keeps one line per input line; only reading the file is fatal.
func (s *scanner) textsFileJobs(file string) ([]job, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var jobs []job
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var in struct {
			ID   json.RawMessage `json:"id"`
			Text string          `json:"text"`
		}
		if err := json.Unmarshal(line, &in); err != nil {
			msg := fmt.Sprintf("line %d: %v", n, err)
			jobs = append(jobs, func() []byte {
				return mustJSON(textRecord{ID: json.RawMessage("null"), Verdict: policy.Allow, Findings: []policy.Finding{},
					Error: &scan.ImageError{Code: "bad_input", Message: msg}})
			})
			continue
		}
		if len(in.ID) == 0 {
			in.ID = json.RawMessage(fmt.Sprint(n - 1))
		}
		jobs = append(jobs, s.textJob(in.ID, in.Text))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	return jobs, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // only on a programming error: keep the line count right anyway
		b, _ = json.Marshal(map[string]any{"error": map[string]string{"code": "internal", "message": err.Error()}})
	}
	return b
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
