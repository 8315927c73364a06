// Command load replays a corpus of images (or text-only listings) against a
// running qrgate gateway at a fixed concurrency and prints throughput,
// latency percentiles and status counts.
//
// It is bounded in requests (-n) and time (-d) and talks to loopback only:
// a target that resolves to anything else is refused, so it cannot be
// pointed at someone else's server by mistake.
//
//	go run ./benchmarks/load -dir testdata/images -c 8 -n 2000
//	go run ./benchmarks/load -texts-file cases.jsonl -c 64 -d 10s -server-of-url
//
// It reports the server's CPU per request (-server-pid) beside its own: on
// a 2-core machine the load generator shares the cores with the server, and
// its own CPU is what the server did not get.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

type options struct {
	target      string
	dir         string
	texts       bool
	textsFile   string
	concurrency int
	requests    int
	duration    time.Duration
	apiKey      string
	serverPID   int
	serverOfURL bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.target, "url", "http://127.0.0.1:8080/v1/scan", "scan endpoint (loopback only)")
	fs.StringVar(&o.dir, "dir", "", "corpus `DIR` whose image files are sent, raw, one per request, in rotation")
	fs.BoolVar(&o.texts, "texts", false, "send text-only listings (JSON) of one fixed English sentence instead of images")
	fs.StringVar(&o.textsFile, "texts-file", "", "send text-only listings (JSON), one per line of `FILE.jsonl` ({\"text\":…, \"verdict\":…} as benchmarks/textgen writes): the lines labelled allow (or unlabelled), at their real lengths, in rotation")
	fs.IntVar(&o.concurrency, "c", 8, "concurrent requests")
	fs.IntVar(&o.requests, "n", 2000, "stop after this many requests (at most 1,000,000)")
	fs.DurationVar(&o.duration, "d", 30*time.Second, "stop after this long (at most 10m)")
	fs.StringVar(&o.apiKey, "key", "", "API key sent as Authorization: Bearer")
	fs.IntVar(&o.serverPID, "server-pid", 0, "report this process's CPU per request and peak RSS (VmHWM) after the run")
	fs.BoolVar(&o.serverOfURL, "server-of-url", false, "-server-pid is the process listening on -url's port (no pid file needed; never another process of the same name)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := o.validate(); err != nil {
		fmt.Fprintln(stderr, "load:", err)
		return 2
	}
	u, _ := url.Parse(o.target)
	if o.serverOfURL {
		port, _ := strconv.Atoi(u.Port())
		pid, err := listenerPID(port)
		if err != nil {
			fmt.Fprintln(stderr, "load: -server-of-url:", err)
			return 1
		}
		o.serverPID = pid
	}
	reqs, err := buildRequests(o)
	if err != nil {
		fmt.Fprintln(stderr, "load:", err)
		return 1
	}
	cpu0, _ := cpuTime(o.serverPID)
	self0 := selfCPU()
	res := runLoad(o, u, reqs)
	res.print(stdout, o)
	self := selfCPU() - self0
	fmt.Fprintf(stdout, "load generator CPU (user+sys) %.2fs: %.3f ms/request\n", self.Seconds(), float64(self.Microseconds())/1000/float64(max(len(res.latencies), 1)))
	if o.serverPID > 0 {
		if cpu1, err := cpuTime(o.serverPID); err == nil {
			n := max(len(res.latencies), 1)
			fmt.Fprintf(stdout, "server CPU (user+sys) %.2fs: %.3f ms/request\n", (cpu1 - cpu0).Seconds(), float64((cpu1-cpu0).Microseconds())/1000/float64(n))
		}
		hwm, rss, err := peakRSS(o.serverPID)
		if err != nil {
			fmt.Fprintln(stderr, "load:", err)
		} else {
			fmt.Fprintf(stdout, "server pid %d: VmHWM %s  VmRSS %s\n", o.serverPID, hwm, rss)
		}
	}
	return 0
}

func (o *options) validate() error {
	modes := 0
	for _, on := range []bool{o.dir != "", o.texts, o.textsFile != ""} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return errors.New("give exactly one of -dir, -texts or -texts-file")
	}
	if o.concurrency < 1 || o.concurrency > 1024 {
		return errors.New("-c must be in 1..1024")
	}
	if o.requests < 1 || o.requests > 1_000_000 {
		return errors.New("-n must be in 1..1000000")
	}
	if o.duration <= 0 || o.duration > 10*time.Minute {
		return errors.New("-d must be in (0, 10m]")
	}
	return checkLoopback(o.target)
}

// checkLoopback refuses any target that is not plain http on a loopback
// address (every address the host resolves to must be loopback).
func checkLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	if u.Scheme != "http" || u.Port() == "" {
		return fmt.Errorf("-url %q: want http://HOST:PORT/… on loopback", target)
	}
	ips, err := net.LookupIP(u.Hostname())
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("-url %q resolves to %s, which is not loopback: refused", target, ip)
		}
	}
	return nil
}

// request is one prepared request body.
type request struct {
	body        []byte
	contentType string
	query       string
}

// buildRequests loads the corpus (image files only, recognised by their
// magic bytes) or prepares text-only listings that raise no finding.
func buildRequests(o options) ([]request, error) {
	if o.textsFile != "" {
		return textFileRequests(o.textsFile)
	}
	if o.texts {
		var reqs []request
		for i := range 64 {
			body := fmt.Sprintf(`{"listing_id":"load-%d","seller_id":"s%d","texts":["Wireless headphones, model %d, barely used","Noise cancelling, 30h battery, original box and cable. Pick-up or shipping within the country."]}`, i, i%7, i)
			reqs = append(reqs, request{body: []byte(body), contentType: "application/json"})
		}
		return reqs, nil
	}
	var reqs []request
	err := filepath.WalkDir(o.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !isImage(b) {
			return nil
		}
		q := "listing_id=" + url.QueryEscape(filepath.Base(path)) + "&seller_id=load&name=" + url.QueryEscape(filepath.Base(path))
		reqs = append(reqs, request{body: b, contentType: "application/octet-stream", query: q})
		return nil
	})
	if err == nil && len(reqs) == 0 {
		err = fmt.Errorf("no image files in %s", o.dir)
	}
	return reqs, err
}

func isImage(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) || bytes.HasPrefix(b, []byte("\x89PNG")) ||
		bytes.HasPrefix(b, []byte("GIF8")) || (len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP") ||
		bytes.HasPrefix(b, []byte("BM"))
}

type result struct {
	elapsed   time.Duration
	latencies []time.Duration
	statuses  map[int]int
	errors    map[string]int
	bytesSent int64
}

func runLoad(o options, u *url.URL, reqs []request) *result {
	client := &fasthttp.HostClient{
		Addr: u.Host, MaxConns: o.concurrency, ReadTimeout: 2 * time.Minute, WriteTimeout: time.Minute,
		MaxIdemponentCallAttempts: 1,
	}
	var next atomic.Int64
	deadline := time.Now().Add(o.duration)
	type workerOut struct {
		lat      []time.Duration
		statuses map[int]int
		errors   map[string]int
		sent     int64
	}
	outs := make([]workerOut, o.concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := workerOut{statuses: map[int]int{}, errors: map[string]int{}}
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			for {
				i := next.Add(1) - 1
				if i >= int64(o.requests) || time.Now().After(deadline) {
					break
				}
				r := reqs[i%int64(len(reqs))]
				uri := u.Path
				if r.query != "" {
					uri += "?" + r.query
				}
				req.Reset()
				req.SetRequestURI(uri)
				req.Header.SetHost(u.Host)
				req.Header.SetMethod("POST")
				req.Header.SetContentType(r.contentType)
				if o.apiKey != "" {
					req.Header.Set("Authorization", "Bearer "+o.apiKey)
				}
				req.SetBodyRaw(r.body)
				t0 := time.Now()
				err := client.Do(req, resp)
				out.lat = append(out.lat, time.Since(t0))
				out.sent += int64(len(r.body))
				if err != nil {
					out.errors[shortErr(err)]++
					continue
				}
				out.statuses[resp.StatusCode()]++
			}
			outs[w] = out
		}()
	}
	wg.Wait()
	res := &result{elapsed: time.Since(start), statuses: map[int]int{}, errors: map[string]int{}}
	for _, out := range outs {
		res.latencies = append(res.latencies, out.lat...)
		res.bytesSent += out.sent
		for k, v := range out.statuses {
			res.statuses[k] += v
		}
		for k, v := range out.errors {
			res.errors[k] += v
		}
	}
	return res
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

func (r *result) print(w io.Writer, o options) {
	lat := r.latencies
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	mode := "images from " + o.dir
	switch {
	case o.texts:
		mode = "text-only listings (one fixed sentence)"
	case o.textsFile != "":
		mode = "text-only listings from " + o.textsFile
	}
	n := len(lat)
	secs := r.elapsed.Seconds()
	fmt.Fprintf(w, "target %s  %s  concurrency %d\n", o.target, mode, o.concurrency)
	fmt.Fprintf(w, "requests %d in %.2fs: %.1f req/s, %.1f MiB/s sent\n", n, secs, float64(n)/secs, float64(r.bytesSent)/secs/(1<<20))
	fmt.Fprintf(w, "latency p50 %s  p90 %s  p99 %s  max %s\n", round(pct(.50)), round(pct(.90)), round(pct(.99)), round(pct(1)))
	var codes []int
	for c := range r.statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d: %d", c, r.statuses[c]))
	}
	for e, c := range r.errors {
		parts = append(parts, fmt.Sprintf("error %q: %d", e, c))
	}
	fmt.Fprintf(w, "status %s\n", strings.Join(parts, ", "))
}

func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// cpuTime is a process's user+system CPU time from /proc/PID/stat (the
// figure ../shared/CONTRACT.md compares; wall-clock depends on what else
// the machine runs).
func cpuTime(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, errors.New("no pid")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesised command name; utime and stime are the
	// 12th and 13th of them, in clock ticks (100 per second on Linux).
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}

// peakRSS reads VmHWM and VmRSS from /proc/PID/status.
func peakRSS(pid int) (hwm, rss string, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		switch k {
		case "VmHWM":
			hwm = strings.TrimSpace(v)
		case "VmRSS":
			rss = strings.TrimSpace(v)
		}
	}
	return hwm, rss, nil
}

// textFileRequests makes one text-only listing of each line of a JSON-lines
// file whose verdict is allow (or that has none): the realistic mix of what
// the pipeline sends, at the texts' real lengths, that needs no review.
func textFileRequests(path string) ([]request, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var reqs []request
	for i, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var c struct {
			Text    string `json:"text"`
			Verdict string `json:"verdict"`
		}
		if err := json.Unmarshal(line, &c); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		if c.Verdict != "" && c.Verdict != "allow" || c.Text == "" {
			continue
		}
		body, _ := json.Marshal(map[string]any{"listing_id": fmt.Sprintf("load-%d", i), "seller_id": fmt.Sprintf("s%d", i%7), "texts": []string{c.Text}})
		reqs = append(reqs, request{body: body, contentType: "application/json"})
	}
	if len(reqs) == 0 {
		return nil, fmt.Errorf("%s: no allow-labelled text", path)
	}
	return reqs, nil
}

// selfCPU is this process's user+system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
