package main

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// wechatModelMD5 is the published MD5 of each model file of WeChat's QR
// engine (README.md of WeChatCV/opencv_3rdparty, branch wechat_qrcode): a
// run only uses the models that release ships.
var wechatModelMD5 = map[string]string{
	"detect.prototxt":   "6fb4976b32695f9f5c6305c19f12537d",
	"detect.caffemodel": "238e2b2d6f3c18d6c3a30de0c31e23cf",
	"sr.prototxt":       "69db99927a70df953b471daaba03fbef",
	"sr.caffemodel":     "cbfcd60361a73beb8c583eea7e8e6664",
}

// wechatBranch is where opencv_3rdparty keeps the models.
const wechatBranch = "wechat_qrcode"

// errModelMismatch means a model file is not the published one.
var errModelMismatch = errors.New("model file differs from the published one")

// checkModels verifies that dir holds every model file with its MD5.
func checkModels(dir string, want map[string]string) error {
	for name, sum := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if got := md5Hex(data); got != sum {
			return fmt.Errorf("%s: MD5 %s, want %s: %w", filepath.Join(dir, name), got, sum, errModelMismatch)
		}
	}
	return nil
}

func md5Hex(data []byte) string {
	h := md5.Sum(data)
	return hex.EncodeToString(h[:])
}

// extractModels writes the model files of branch wechat_qrcode of a git
// directory (a clone of WeChatCV/opencv_3rdparty, bare or not) into dir,
// unless dir already holds them intact. The models are third-party and
// large, so they are extracted at run time and never committed.
func extractModels(gitDir, dir string, want map[string]string) error {
	if checkModels(dir, want) == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name := range want {
		cmd := exec.Command("git", "--git-dir", gitDir, "cat-file", "blob", wechatBranch+":"+name)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		data, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("reading %s from %s: %v: %s", name, gitDir, err, strings.TrimSpace(stderr.String()))
		}
		tmp := filepath.Join(dir, name+".tmp")
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return checkModels(dir, want)
}

// defaultModelDir is the cache the models are extracted into when no
// -wechat-models directory is given.
func defaultModelDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "qrgate", "wechat_qrcode"), nil
}

// modelDir resolves WeChat's model directory from the flags: extracted
// from -wechat-git, or given ready with -wechat-models; "" when neither is
// set.
func (o options) modelDir() (string, error) {
	dir := o.wechatModels
	if o.wechatGit == "" {
		if dir == "" {
			return "", nil
		}
		return dir, checkModels(dir, wechatModelMD5)
	}
	if dir == "" {
		var err error
		if dir, err = defaultModelDir(); err != nil {
			return "", err
		}
	}
	return dir, extractModels(o.wechatGit, dir, wechatModelMD5)
}

// wechatReader is WeChat's engine through Debian's python3-opencv, when its
// models were given and the interpreter has cv2.
func (c config) wechatReader(w io.Writer) (reader, bool) {
	if c.wechatModels == "" {
		fmt.Fprintln(w, "compare: no -wechat-git or -wechat-models, WeChat's engine skipped")
		return reader{}, false
	}
	python, err := exec.LookPath(c.python)
	if err != nil {
		fmt.Fprintf(w, "compare: %s not found, WeChat's engine skipped\n", c.python)
		return reader{}, false
	}
	version, err := probe(exec.Command(python, c.wechatPy, c.wechatModels))
	if err != nil {
		fmt.Fprintf(w, "compare: WeChat's engine skipped (apt-get install python3-opencv): %v\n", err)
		return reader{}, false
	}
	fmt.Fprintf(w, "compare: WeChat's engine: %s\n", version)
	return reader{name: "WeChat (" + wechatLabel(version) + ", QR only)", scored: true,
		batch: jsonReader(python, nil, c.wechatPy, c.wechatModels)}, true
}

// wechatLabel turns the script's "opencv 4.6.0, wechat_qrcode, threads 1"
// into "OpenCV 4.6.0 wechat_qrcode".
func wechatLabel(version string) string {
	v, _, _ := strings.Cut(strings.TrimPrefix(version, "opencv "), ",")
	return "OpenCV " + strings.TrimSpace(v) + " wechat_qrcode"
}

// probe runs a reader over no file, untimed, and returns the first line it
// prints on stderr: the version the scripts report.
func probe(cmd *exec.Cmd) (string, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%v: %s", err, lastLine(stderr.String()))
	}
	line, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
	if line == "" {
		return "", errors.New("it printed no version")
	}
	return line, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
