package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qrgate/qrgate/policy"
)

// TestMain lets the tests run the real command in a child process: the
// test binary re-executes itself with QRGATE_TEST_RUN_MAIN=1 and acts as
// qrgate. A child process is what receives real signals and has its own
// /proc/PID/status to read peak memory from.
func TestMain(m *testing.M) {
	if os.Getenv("QRGATE_TEST_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// child is a qrgate serve process started by a test.
type child struct {
	cmd        *exec.Cmd
	pub, admin string // http://127.0.0.1:port
	logs       *syncBuffer
	exited     chan struct{}
	exitErr    error
}

// startChild runs `qrgate serve args…` on loopback ports chosen by the
// kernel and waits (at most 10 s) for its "qrgate serving" log line.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	args = append([]string{"serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--log-format", "json"}, args...)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "QRGATE_TEST_RUN_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, logs: &syncBuffer{}, exited: make(chan struct{})}
	addrs := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			c.logs.Write(append(line, '\n'))
			var m struct {
				Msg         string `json:"msg"`
				Listen      string `json:"listen"`
				AdminListen string `json:"admin_listen"`
			}
			if json.Unmarshal(line, &m) == nil && m.Msg == "qrgate serving" {
				addrs <- [2]string{m.Listen, m.AdminListen}
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() {
		c.exitErr = cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			cmd.Process.Kill()
			<-c.exited
		}
	})
	select {
	case a := <-addrs:
		c.pub, c.admin = "http://"+a[0], "http://"+a[1]
	case <-c.exited:
		t.Fatalf("qrgate serve exited at start: %v\n%s", c.exitErr, c.logs)
	case <-time.After(10 * time.Second):
		t.Fatalf("qrgate serve not serving after 10s\n%s", c.logs)
	}
	return c
}

func (c *child) get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metric reads one sample from the child's /metrics by its exact name and labels.
func (c *child) metric(t *testing.T, series string) float64 {
	t.Helper()
	_, body := c.get(t, c.admin+"/metrics")
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

// procStatusKiB reads a field (VmRSS, VmHWM) of /proc/PID/status in KiB.
func procStatusKiB(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestProcessSIGHUPWithBadPolicy sends a real SIGHUP to a qrgate serve
// process whose policy file has just been made invalid: the reload is
// refused, the old policy stays in force, the error is counted and /readyz
// stays ready. A good file on the next SIGHUP takes effect.
func TestProcessSIGHUPWithBadPolicy(t *testing.T) {
	dir := t.TempDir()
	polFile := filepath.Join(dir, "policy.yaml")
	writeVersion := func(v string) {
		s := strings.Replace(string(policy.DefaultYAML()), `version: "2026-11-24.1"`, `version: "`+v+`"`, 1)
		if err := os.WriteFile(polFile, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeVersion("p1")
	c := startChild(t, "--data-dir", filepath.Join(dir, "data"), "--policy", polFile, "--policy-watch-interval", "0")
	pid := c.cmd.Process.Pid

	if err := os.WriteFile(polFile, []byte("version: \"broken\"\ncategories:\n  wechat: blok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the refused reload to be counted", func() bool {
		return c.metric(t, `qrgate_policy_reloads_total{result="error"}`) == 1
	})
	if code, body := c.get(t, c.admin+"/readyz"); code != 200 || !strings.Contains(body, `"p1"`) {
		t.Errorf("/readyz after a bad SIGHUP reload: %d %s", code, body)
	}
	if code, _ := c.get(t, c.pub+"/readyz"); code != 200 {
		t.Errorf("public /readyz after a bad reload: %d", code)
	}
	resp, err := http.Post(c.pub+"/v1/scan", "application/json", strings.NewReader(`{"listing_id":"L","texts":["hello"]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"policy_version":"p1"`) {
		t.Errorf("scan after a bad reload: %d %s", resp.StatusCode, b)
	}
	if !strings.Contains(c.logs.String(), `policy reload refused`) || !strings.Contains(c.logs.String(), `line 3`) {
		t.Errorf("the refusal is not logged with its line:\n%s", c.logs)
	}
	if n := c.metric(t, `qrgate_policy_reloads_total{result="ok"}`); n != 0 {
		t.Errorf("reloads{ok} = %v after a refused reload", n)
	}

	writeVersion("p2")
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "p2 in force", func() bool {
		_, body := c.get(t, c.admin+"/readyz")
		return strings.Contains(body, `"p2"`)
	})
	if n := c.metric(t, `qrgate_policy_reloads_total{result="ok"}`); n != 1 {
		t.Errorf("reloads{ok} = %v", n)
	}
	if n := c.metric(t, `qrgate_policy_info{version="p2"}`); n != 1 {
		t.Errorf("policy_info{p2} = %v", n)
	}

	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.exited:
		if c.exitErr != nil {
			t.Errorf("exit after SIGTERM: %v", c.exitErr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit 10s after SIGTERM")
	}
}

// TestProcessBombsPeakRSS sends the decompression bombs of testdata/images
// to a qrgate serve process, 8 of each at once, and reads the process's
// peak resident memory: VmHWM is reset (echo 5 > /proc/PID/clear_refs) once
// the server is idle, so the figure is the peak while the bombs were sent,
// compared with the idle VmRSS just before. The bound is 64 MiB.
func TestProcessBombsPeakRSS(t *testing.T) {
	files := []struct{ file, code string }{
		{"err-too-large.png", "too_large"}, {"err-too-large.gif", "too_large"}, {"err-too-large.jpg", "too_large"},
		{"err-too-large.webp", "too_large"}, {"err-too-large-vp8l.webp", "too_large"}, {"err-too-large.bmp", "too_large"},
		{"err-too-many-frames.gif", "too_many_frames"},
	}
	dir := t.TempDir()
	c := startChild(t, "--data-dir", filepath.Join(dir, "data"), "--cache-entries", "-1")
	pid := c.cmd.Process.Pid
	// One warm-up request so connection and handler state exist.
	if resp, err := http.Post(c.pub+"/v1/scan", "application/json", strings.NewReader(`{"listing_id":"L","texts":["hi"]}`)); err == nil {
		resp.Body.Close()
	}
	idle := procStatusKiB(t, pid, "VmRSS")
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS (VmHWM) of the child: %v", err)
	}
	var wg sync.WaitGroup
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "images", f.file))
		if err != nil {
			t.Fatal(err)
		}
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := http.Post(c.pub+"/v1/scan?listing_id=bomb", "application/octet-stream", bytes.NewReader(data))
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(b), `"code":"`+f.code+`"`) {
					t.Errorf("%s: %d %s", f.file, resp.StatusCode, b)
				}
			}()
		}
	}
	wg.Wait()
	peak := procStatusKiB(t, pid, "VmHWM")
	t.Logf("idle VmRSS %d KiB, VmHWM while %d bombs were sent %d KiB: +%.1f MiB", idle, 8*len(files), peak, float64(peak-idle)/1024)
	if peak-idle > 64<<10 {
		t.Errorf("peak RSS rose %d KiB above idle while the bombs were sent; the bound is 64 MiB", peak-idle)
	}
}
