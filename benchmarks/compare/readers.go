package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// reader is one row of the table.
type reader struct {
	name     string
	scored   bool // false for the floor, which reads no codes
	needsPNG bool // built without WebP: give it PNG copies
	wasm     bool // zxing-wasm, the reader speed targets are ratios to
	batch    batchReader
}

// config says where the readers are; empty means "look on PATH" for the
// Debian peers and "skip" for zxing-wasm.
type config struct {
	qrgate   string // built qrgate binary
	naive    string // built benchmarks/naive binary
	zxingCPP string
	zbar     string
	node     string
	wasmDir  string // node_modules holding zxing-wasm
	wasmJS   string // zxingwasm.mjs
	python   string // Python with OpenCV's cv2
	wechatPy string // wechat.py
	// wechatModels holds WeChat's four model files; "" skips its engine.
	wechatModels string
	stdbuf       string // line-buffers C peers, so a crash loses no output
	qrgateEnv    []string
}

// readers lists every reader whose binary is present, and says on w which
// ones are skipped and why.
func readers(c config, w io.Writer) []reader {
	rs := []reader{
		{name: "gozxing-naive", scored: true, batch: jsonReader(c.naive, nil)},
		{name: "jpeg-floor (image.Decode only)", batch: jsonReader(c.naive, nil, "-floor")},
	}
	if p, err := exec.LookPath(c.zxingCPP); err == nil {
		rs = append(rs, reader{name: "zxing-cpp 1.4 (Debian ZXingReader)", scored: true, needsPNG: true,
			batch: batchReader{command: c.lineBuffered(p), parse: parseZXingCPP, okExit: exitZero}})
	} else {
		fmt.Fprintf(w, "compare: %s not found, zxing-cpp 1.4 skipped (apt-get install zxing-cpp-tools)\n", c.zxingCPP)
	}
	if p, err := exec.LookPath(c.zbar); err == nil {
		rs = append(rs, reader{name: "zbar (zbarimg)", scored: true,
			batch: batchReader{command: c.lineBuffered(p, "--xml", "-q", "--nodbus"), parse: parseZbar,
				okExit: func(code int) bool { return code == 0 || code == 4 }}})
	} else {
		fmt.Fprintf(w, "compare: %s not found, zbar skipped (apt-get install zbar-tools)\n", c.zbar)
	}
	if r, ok := c.wasmReader(w); ok {
		rs = append(rs, r)
	}
	if r, ok := c.wechatReader(w); ok {
		rs = append(rs, r)
	}
	rs = append(rs,
		reader{name: "qrgate (GOMAXPROCS=2)", scored: true,
			batch: jsonReader(c.qrgate, append(c.qrgateEnv, "GOMAXPROCS=2"), "scan")},
		reader{name: "qrgate -j 1 (GOMAXPROCS=1)", scored: true,
			batch: jsonReader(c.qrgate, append(c.qrgateEnv, "GOMAXPROCS=1"), "scan", "-j", "1")},
	)
	return rs
}

// wasmReader is zxing-cpp 3.x through npm's zxing-wasm, when installed.
func (c config) wasmReader(w io.Writer) (reader, bool) {
	if c.wasmDir == "" {
		fmt.Fprintln(w, "compare: no -zxing-wasm directory, zxing-wasm skipped")
		return reader{}, false
	}
	node, err := exec.LookPath(c.node)
	if err != nil {
		fmt.Fprintf(w, "compare: %s not found, zxing-wasm skipped\n", c.node)
		return reader{}, false
	}
	modules := modulesDir(c.wasmDir)
	if _, err := os.Stat(filepath.Join(modules, "zxing-wasm")); err != nil {
		fmt.Fprintf(w, "compare: no zxing-wasm in %s, skipped\n", modules)
		return reader{}, false
	}
	version, err := probe(exec.Command(node, c.wasmJS, modules))
	if err != nil {
		fmt.Fprintf(w, "compare: zxing-wasm skipped: %v\n", err)
		return reader{}, false
	}
	fmt.Fprintf(w, "compare: %s\n", version)
	return reader{name: wasmLabel(version), scored: true, needsPNG: true, wasm: true,
		batch: jsonReader(node, nil, c.wasmJS, modules)}, true
}

// wasmLabel names the row from the script's "zxing-wasm 3.1.4, zxing-cpp
// COMMIT": the zxing-cpp commit the WebAssembly was built from.
func wasmLabel(version string) string {
	pkg, cpp, ok := strings.Cut(version, ", zxing-cpp ")
	if !ok {
		return version
	}
	if len(cpp) > 12 {
		cpp = cpp[:12]
	}
	return pkg + " (zxing-cpp " + cpp + ")"
}

// modulesDir is where node_modules is, given DIR or DIR/node_modules.
func modulesDir(dir string) string {
	if filepath.Base(dir) == "node_modules" {
		return dir
	}
	return filepath.Join(dir, "node_modules")
}

// checkWasmVersion refuses a zxing-wasm other than the pinned one: figures
// are only comparable across runs with the same zxing-cpp inside.
func checkWasmVersion(dir, want string) error {
	if dir == "" || want == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(modulesDir(dir), "zxing-wasm", "package.json"))
	if err != nil {
		return fmt.Errorf("zxing-wasm: %w", err)
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return fmt.Errorf("zxing-wasm package.json: %w", err)
	}
	if pkg.Version != want {
		return fmt.Errorf("zxing-wasm %s in %s, want %s (npm install zxing-wasm@%s, or -zxing-wasm-version)", pkg.Version, dir, want, want)
	}
	return nil
}

// jsonReader runs a reader that prints qrgate-shaped JSON lines.
func jsonReader(bin string, env []string, args ...string) batchReader {
	return batchReader{
		command: func(files []string) *exec.Cmd {
			cmd := exec.Command(bin, append(append([]string{}, args...), files...)...)
			cmd.Env = append(os.Environ(), env...)
			return cmd
		},
		parse:  parseJSONRecords,
		okExit: exitZero,
	}
}

// lineBuffered runs a C reader under stdbuf -oL when stdbuf exists: a
// reader killed by an assertion would otherwise take its buffered output,
// and so the record of every file before the crash, with it.
func (c config) lineBuffered(bin string, args ...string) func([]string) *exec.Cmd {
	return func(files []string) *exec.Cmd {
		argv := append(append([]string{bin}, args...), files...)
		if c.stdbuf != "" {
			argv = append([]string{c.stdbuf, "-oL"}, argv...)
		}
		return exec.Command(argv[0], argv[1:]...)
	}
}
