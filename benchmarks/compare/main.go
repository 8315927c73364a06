// Command compare runs qrgate and the baselines over a corpus in one run —
// gozxing used naively, Go's decode-only floor, Debian's zxing-cpp 1.4 and
// zbar, zxing-cpp 3.x through npm's zxing-wasm and WeChat's own engine
// (OpenCV's wechat_qrcode) when given — alternating readers over several
// rounds, and prints a Markdown table of recall, false positives and CPU
// cost for the whole corpus and for its clean photos alone, with recall per
// tag and per bin. It installs nothing: a peer that is not present is
// skipped with a note.
//
//	go run ./benchmarks/compare [flags] CORPUS_DIR
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

type options struct {
	rounds   int
	qrgate   string
	src      string
	zxingCPP string
	zbar     string
	node     string
	wasmDir  string
	wasmJS   string
	wasmPin  string
	python   string
	wechatPy string
	// WeChat's models: a ready directory, or a git directory to extract
	// them from (into wechatModels, or a cache directory).
	wechatModels string
	wechatGit    string
	cleanTag     string
	keep         string
	corpus       string
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(2)
	}
	if err := run(o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: compare [flags] CORPUS_DIR\n\nRuns every baseline and qrgate over CORPUS_DIR/images, alternating, and prints a Markdown table.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.IntVar(&o.rounds, "rounds", 3, "rounds over the corpus; medians are shown")
	fs.StringVar(&o.qrgate, "qrgate", "", "qrgate `BINARY` (default: built from -src)")
	fs.StringVar(&o.src, "src", ".", "qrgate module `DIR`, to build qrgate and benchmarks/naive from")
	fs.StringVar(&o.zxingCPP, "zxing-cpp", "ZXingReader", "zxing-cpp 1.4 reader `CLI` (Debian zxing-cpp-tools)")
	fs.StringVar(&o.zbar, "zbar", "zbarimg", "zbar `CLI` (Debian zbar-tools)")
	fs.StringVar(&o.node, "node", "node", "Node.js `BINARY` for zxing-wasm")
	fs.StringVar(&o.wasmDir, "zxing-wasm", "", "`DIR` where `npm install zxing-wasm` was run (its node_modules); empty skips zxing-wasm")
	fs.StringVar(&o.wasmJS, "zxing-wasm-script", "", "the reader `SCRIPT` (default -src/benchmarks/compare/zxingwasm.mjs)")
	fs.StringVar(&o.wasmPin, "zxing-wasm-version", "3.1.4", "the zxing-wasm `VERSION` the -zxing-wasm directory must hold (empty: any)")
	fs.StringVar(&o.python, "python", "/usr/bin/python3", "Python `BINARY` with OpenCV's cv2 (Debian python3-opencv) for WeChat's engine")
	fs.StringVar(&o.wechatPy, "wechat-script", "", "the WeChat reader `SCRIPT` (default -src/benchmarks/compare/wechat.py)")
	fs.StringVar(&o.wechatModels, "wechat-models", "", "`DIR` holding WeChat's detect/sr .prototxt and .caffemodel (with -wechat-git: where to extract them; default a user cache directory)")
	fs.StringVar(&o.wechatGit, "wechat-git", "", "git `DIR` of WeChatCV/opencv_3rdparty to extract the models from (branch wechat_qrcode)")
	fs.StringVar(&o.cleanTag, "clean-tag", "clean", "manifest `TAG` of the clean-photo subset")
	fs.StringVar(&o.keep, "keep", "", "save every run's records as JSONL in `DIR` (for score -results)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return o, errors.New("give one CORPUS_DIR")
	}
	if o.rounds < 1 {
		return o, errors.New("-rounds must be at least 1")
	}
	o.corpus = fs.Arg(0)
	if o.wasmJS == "" {
		o.wasmJS = filepath.Join(o.src, "benchmarks", "compare", "zxingwasm.mjs")
	}
	if o.wechatPy == "" {
		o.wechatPy = filepath.Join(o.src, "benchmarks", "compare", "wechat.py")
	}
	return o, nil
}

func run(o options, stdout, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "qrgate-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	c, err := o.config(tmp, stderr)
	if err != nil {
		return err
	}
	subsets, err := loadSubsets(o.corpus, o.cleanTag, tmp)
	if err != nil {
		return err
	}
	rs := readers(c, stderr)
	results, err := runRounds(rs, subsets, o.rounds, o.keep, stderr)
	if err != nil {
		return err
	}
	writeTables(stdout, o, rs, subsets, results)
	return nil
}

// config builds the Go readers and locates the others.
func (o options) config(tmp string, stderr io.Writer) (config, error) {
	c := config{zxingCPP: o.zxingCPP, zbar: o.zbar, node: o.node, wasmDir: o.wasmDir, qrgate: o.qrgate,
		python: o.python}
	var err error
	if c.wasmJS, err = filepath.Abs(o.wasmJS); err != nil {
		return c, err
	}
	if c.wechatPy, err = filepath.Abs(o.wechatPy); err != nil {
		return c, err
	}
	if err := checkWasmVersion(o.wasmDir, o.wasmPin); err != nil {
		return c, err
	}
	if c.wechatModels, err = o.modelDir(); err != nil {
		return c, fmt.Errorf("WeChat's models: %w", err)
	}
	if p, err := exec.LookPath("stdbuf"); err == nil {
		c.stdbuf = p
	}
	c.naive = filepath.Join(tmp, "naive")
	if err := goBuild(o.src, c.naive, "./benchmarks/naive", stderr); err != nil {
		return c, err
	}
	if c.qrgate == "" {
		c.qrgate = filepath.Join(tmp, "qrgate")
		if err := goBuild(o.src, c.qrgate, "./cmd/qrgate", stderr); err != nil {
			return c, err
		}
	}
	return c, nil
}

func goBuild(dir, out, pkg string, stderr io.Writer) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s in %s: %w", pkg, dir, err)
	}
	return nil
}
