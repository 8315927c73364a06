package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// runOverload measures the scan throughput (closed loop), then offers 2×
// that rate open loop (arrivals do not wait for answers, as real uploads
// don't), then 0.5×, and reports each phase: statuses, latency by status,
// peak RSS.
func runOverload(c common, args []string) error {
	fs := flag.NewFlagSet("overload", flag.ContinueOnError)
	dir := fs.String("images", "../shared/corpus/images", "`DIR` of images sent raw, in rotation")
	rate := fs.Float64("rate", 0, "the scan throughput in requests/s (0: measure it first)")
	calib := fs.Duration("calibrate", 15*time.Second, "length of the throughput measurement")
	dur := fs.Duration("d", 30*time.Second, "length of the 2x phase (at most 5m)")
	recov := fs.Duration("recover", 20*time.Second, "length of the 0.5x phase that follows (at most 5m)")
	factor := fs.Float64("factor", 2, "overload factor")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dur > 5*time.Minute || *recov > 5*time.Minute || *calib > 5*time.Minute {
		return errors.New("phases are limited to 5m")
	}
	imgs, err := loadImages(*dir)
	if err != nil {
		return err
	}
	// No cache: a rotating corpus would otherwise be served from it after
	// one pass, and the experiment is about decoding capacity.
	srv, err := startServer(c.qrgate, "--data-dir", mustTemp("qrgate-overload-"), "--cache-entries", "-1")
	if err != nil {
		return err
	}
	defer srv.stop()
	pid := srv.pid()
	fmt.Fprintf(c.out, "qrgate pid %d, %d images from %s, server defaults (workers = GOMAXPROCS = %d, queue 64, queue-timeout 5s, scan-timeout 10s)\n",
		pid, len(imgs), *dir, runtime.NumCPU())
	smp := sample(pid)
	defer smp.stop()

	if *rate <= 0 {
		conc := 2 * runtime.NumCPU()
		cpu0 := cpuSeconds(pid)
		t, elapsed := closedLoop(srv.pub, imgs, conc, *calib)
		rss, _ := smp.take()
		*rate = float64(t.count(200)) / elapsed.Seconds()
		fmt.Fprintf(c.out, "\n== calibration: closed loop, %d concurrent, %s\n  %s\n  throughput %.1f scans/s; server CPU %.1f ms/scan; max RSS %s\n",
			conc, *calib, t, *rate, 1000*(cpuSeconds(pid)-cpu0)/float64(max(t.n, 1)), mib(rss))
	}
	if err := resetHWM(pid); err != nil {
		fmt.Fprintf(c.out, "(cannot reset VmHWM: %v)\n", err)
	}
	smp.take()
	// The 0.5x phase starts the moment the 2x arrivals stop, while the
	// queue is still full: recovery is measured from there.
	type phase struct {
		name string
		rate float64
		d    time.Duration
		res  *openResult
		rss  int64
		fds  int
	}
	phases := []*phase{{name: fmt.Sprintf("%.1fx", *factor), rate: *factor * *rate, d: *dur}, {name: "0.5x (recovery)", rate: 0.5 * *rate, d: *recov}}
	for _, ph := range phases {
		ph.res = openLoop(srv.pub, imgs, ph.rate, ph.d)
		ph.rss, ph.fds = smp.take()
	}
	for _, ph := range phases {
		ph.res.wg.Wait()
		fmt.Fprintf(c.out, "\n== %s: open loop at %.1f requests/s for %s\n  %s\n  max RSS during the arrivals %s, max open fds %d",
			ph.name, ph.rate, ph.d, ph.res.t, mib(ph.rss), ph.fds)
		if ph.res.last503 >= 0 {
			fmt.Fprintf(c.out, "; last 503 for a request sent %s after the phase started", ph.res.last503.Round(time.Millisecond))
		}
		fmt.Fprintln(c.out)
	}
	fmt.Fprintf(c.out, "\nserver VmHWM since the overload began: %s (VmRSS now %s)\n", mib(procKiB(pid, "VmHWM")), mib(procKiB(pid, "VmRSS")))
	return nil
}

func mustTemp(prefix string) string {
	d, err := os.MkdirTemp("", prefix)
	if err != nil {
		panic(err)
	}
	return d
}

type corpusImage struct {
	name string
	data []byte
}

func loadImages(dir string) ([]corpusImage, error) {
	var out []corpusImage
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) || bytes.HasPrefix(b, []byte("\x89PNG")) || bytes.HasPrefix(b, []byte("GIF8")) ||
			(len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP") {
			out = append(out, corpusImage{filepath.Base(path), b})
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("no images in %s", dir)
	}
	return out, err
}

func scanURL(pub string, im corpusImage, i int64) string {
	return pub + "/v1/scan?listing_id=" + url.QueryEscape(fmt.Sprintf("ov-%d", i)) + "&name=" + url.QueryEscape(im.name)
}

// closedLoop keeps conc requests in flight for d.
func closedLoop(pub string, imgs []corpusImage, conc int, d time.Duration) (*tally, time.Duration) {
	cl := newClient(conc, time.Minute)
	var mu sync.Mutex
	t := newTally()
	var next atomic.Int64
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := next.Add(1)
				im := imgs[int(i)%len(imgs)]
				o := post(cl, scanURL(pub, im, i), "application/octet-stream", im.data)
				mu.Lock()
				t.add(o)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return t, time.Since(start)
}

// maxInflight bounds the open-loop client; arrivals beyond it are counted
// as not sent.
const maxInflight = 2000

var imageSeq atomic.Int64

// openResult is an open-loop phase; wg ends when every answer is in.
type openResult struct {
	wg      sync.WaitGroup
	t       *tally
	last503 time.Duration // when (from the start) the last request answered 503 was sent; -1 if none
}

// openLoop starts requests at a fixed rate for d, whatever the answers
// take, and returns when the last one is sent.
func openLoop(pub string, imgs []corpusImage, rate float64, d time.Duration) *openResult {
	cl := newClient(maxInflight, time.Minute)
	var mu sync.Mutex
	r := &openResult{t: newTally(), last503: -1}
	n := int(rate * d.Seconds())
	interval := time.Duration(float64(time.Second) / rate)
	sem := make(chan struct{}, maxInflight)
	start := time.Now()
	dropped := 0
	for k := range n {
		if wait := time.Until(start.Add(time.Duration(k) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		select {
		case sem <- struct{}{}:
		default:
			dropped++
			continue
		}
		i := imageSeq.Add(1)
		im := imgs[int(i)%len(imgs)]
		sent := time.Since(start)
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer func() { <-sem }()
			o := post(cl, scanURL(pub, im, i), "application/octet-stream", im.data)
			mu.Lock()
			r.t.add(o)
			if o.status == 503 && sent > r.last503 {
				r.last503 = sent
			}
			mu.Unlock()
		}()
	}
	if dropped > 0 {
		mu.Lock()
		r.t.byKey["not sent: client in-flight cap"] += dropped
		mu.Unlock()
	}
	return r
}
