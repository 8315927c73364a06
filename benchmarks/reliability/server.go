package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is a running `qrgate serve` child on loopback.
type server struct {
	cmd        *exec.Cmd
	pub, admin string // http://127.0.0.1:port
	logs       *lockedBuffer
	exited     chan struct{}
	exitErr    error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 { // keep the first MiB: the start and the first errors
		return len(p), nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs qrgate serve with args on 127.0.0.1 ports chosen by the
// kernel and waits at most 15 s for its "qrgate serving" line.
func startServer(bin string, args ...string) (*server, error) {
	args = append([]string{"serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--log-format", "json"}, args...)
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, logs: &lockedBuffer{}, exited: make(chan struct{})}
	addrs := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			s.logs.Write(append(line, '\n'))
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
		s.exitErr = cmd.Wait()
		close(s.exited)
	}()
	select {
	case a := <-addrs:
		s.pub, s.admin = "http://"+a[0], "http://"+a[1]
		return s, nil
	case <-s.exited:
		return s, fmt.Errorf("qrgate serve exited at start: %v\n%s", s.exitErr, s.logs)
	case <-time.After(15 * time.Second):
		s.kill()
		return nil, fmt.Errorf("qrgate serve not serving after 15s\n%s", s.logs)
	}
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// kill sends SIGKILL and waits for the exit.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// stop sends SIGTERM and waits at most 20 s, then kills.
func (s *server) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return s.exitErr
	case <-time.After(20 * time.Second):
		s.kill()
		return errors.New("no exit 20s after SIGTERM: killed")
	}
}

// procKiB reads a field of /proc/PID/status (VmRSS, VmHWM) in KiB.
func procKiB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// resetHWM resets the process's VmHWM to its current RSS (Linux ≥ 4.0).
func resetHWM(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

func openFDs(pid int) int {
	es, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return len(es)
}

// cpuSeconds is the process's user+system CPU time.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100
}

// sampler records the largest VmRSS and open fd count of a process, every
// 50 ms, until stopped.
type sampler struct {
	mu      sync.Mutex
	maxRSS  int64
	maxFDs  int
	stopped chan struct{}
	done    chan struct{}
}

func sample(pid int) *sampler {
	s := &sampler{stopped: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			rss, fds := procKiB(pid, "VmRSS"), openFDs(pid)
			s.mu.Lock()
			s.maxRSS, s.maxFDs = max(s.maxRSS, rss), max(s.maxFDs, fds)
			s.mu.Unlock()
			select {
			case <-s.stopped:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// take returns the maxima so far and starts over.
func (s *sampler) take() (rssKiB int64, fds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rssKiB, fds = s.maxRSS, s.maxFDs
	s.maxRSS, s.maxFDs = 0, 0
	return
}

func (s *sampler) stop() { close(s.stopped); <-s.done }

// outcome is one request's result.
type outcome struct {
	status  int    // 0: transport error
	code    string // error code of a 4xx/5xx, "stored" for a 200 with review_stored true
	err     string
	latency time.Duration
	body    []byte
}

func newClient(maxConns int, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			MaxIdleConns: maxConns, MaxIdleConnsPerHost: maxConns, MaxConnsPerHost: maxConns,
			IdleConnTimeout: 30 * time.Second, DisableCompression: true,
		},
	}
}

func post(c *http.Client, url, contentType string, body []byte) outcome {
	t0 := time.Now()
	resp, err := c.Post(url, contentType, bytes.NewReader(body))
	if err != nil {
		return outcome{latency: time.Since(t0), err: errClass(err)}
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	o := outcome{status: resp.StatusCode, latency: time.Since(t0), body: b}
	if err != nil {
		o.status, o.err = 0, "reading the answer: "+err.Error()
		return o
	}
	if resp.StatusCode != 200 {
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		json.Unmarshal(b, &e)
		o.code = e.Error.Code
		if resp.StatusCode == 503 && resp.Header.Get("Retry-After") == "" {
			o.code += "(no Retry-After!)"
		}
	} else if bytes.Contains(b, []byte(`"review_stored":true`)) {
		o.code = "stored"
	}
	return o
}

func get(c *http.Client, url string, header ...string) (int, []byte, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, nil, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// tally summarises outcomes: counts by status and code, latency percentiles.
type tally struct {
	n       int
	byKey   map[string]int
	lat     map[int][]time.Duration // by status
	partial int
}

func newTally() *tally { return &tally{byKey: map[string]int{}, lat: map[int][]time.Duration{}} }

func (t *tally) add(o outcome) {
	t.n++
	key := strconv.Itoa(o.status)
	switch {
	case o.status == 0:
		key = "error " + o.err
	case o.code != "":
		key += " " + o.code
	}
	t.byKey[key]++
	t.lat[o.status] = append(t.lat[o.status], o.latency)
	if o.status == 200 && bytes.Contains(o.body, []byte(`"partial":true`)) {
		t.partial++
	}
}

func (t *tally) count(status int) int { return len(t.lat[status]) }

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func (t *tally) String() string {
	var keys []string
	for k := range t.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests:", t.n)
	for _, k := range keys {
		fmt.Fprintf(&b, " [%s: %d]", k, t.byKey[k])
	}
	var sts []int
	for st := range t.lat {
		sts = append(sts, st)
	}
	sort.Ints(sts)
	for _, st := range sts {
		l := t.lat[st]
		fmt.Fprintf(&b, "\n    latency of %d (%d): p50 %s p99 %s max %s", st, len(l), rnd(pct(l, .5)), rnd(pct(l, .99)), rnd(pct(l, 1)))
	}
	if t.partial > 0 {
		fmt.Fprintf(&b, "\n    200s with a partial image: %d", t.partial)
	}
	return b.String()
}

func rnd(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

// errClass names a transport error without its addresses and ids.
func errClass(err error) string {
	s := err.Error()
	for _, c := range []string{"connection reset by peer", "connection refused", "broken pipe", "Client.Timeout", "EOF"} {
		if strings.Contains(s, c) {
			return c
		}
	}
	if len(s) > 60 {
		s = s[len(s)-60:]
	}
	return s
}
