package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// runSlowloris holds many connections that dribble their headers or their
// body one byte at a time (reconnecting when the server cuts them) while a
// normal client scans beside them, and reports whether the normal requests
// were served and how long the server let the slow ones live.
func runSlowloris(c common, args []string) error {
	fs := flag.NewFlagSet("slowloris", flag.ContinueOnError)
	slow := fs.Int("slow", 1000, "slow connections held at once (at most 3000)")
	dur := fs.Duration("d", 30*time.Second, "length of the attack (at most 5m)")
	readTimeout := fs.Duration("read-timeout", 5*time.Second, "the server's --read-timeout")
	every := fs.Duration("every", 500*time.Millisecond, "a slow connection sends one byte this often")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slow < 1 || *slow > 3000 || *dur > 5*time.Minute {
		return errors.New("-slow must be in 1..3000 and -d at most 5m")
	}
	srv, err := startServer(c.qrgate, "--data-dir", mustTemp("qrgate-slowloris-"), "--read-timeout", readTimeout.String())
	if err != nil {
		return err
	}
	defer srv.stop()
	pid := srv.pid()
	addr := strings.TrimPrefix(srv.pub, "http://")
	fmt.Fprintf(c.out, "qrgate pid %d, --read-timeout %s, --max-conns 4096 (default); %d slow connections (half dribbling headers, half a body) for %s, one byte each per %s\n",
		pid, readTimeout, *slow, dur, every)
	smp := sample(pid)
	defer smp.stop()

	deadline := time.Now().Add(*dur)
	var mu sync.Mutex
	var lifetimes []time.Duration
	opened, dialErrs, still := 0, 0, 0
	answers := map[string]int{}
	var wg sync.WaitGroup
	for k := range *slow {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				life, answer, err := slowConn(addr, k%2 == 0, *every, deadline)
				mu.Lock()
				switch {
				case err != nil:
					dialErrs++
				case answer == "still open":
					opened++
					still++
				default:
					opened++
					lifetimes = append(lifetimes, life)
					answers[answer]++
				}
				mu.Unlock()
				if err != nil {
					time.Sleep(100 * time.Millisecond)
				}
			}
		}()
	}
	// The normal client: a text listing and a small image, alternately,
	// ten per second, each on a fresh connection.
	small := smallPNG()
	normal := newTally()
	cl := newClient(16, 10*time.Second)
	cl.Transport.(*http.Transport).DisableKeepAlives = true
	for i := 0; time.Now().Before(deadline); i++ {
		var o outcome
		if i%2 == 0 {
			o = post(cl, srv.pub+"/v1/scan", "application/json", []byte(`{"listing_id":"n","texts":["Wireless headphones, barely used"]}`))
		} else {
			o = post(cl, srv.pub+"/v1/scan?listing_id=n", "image/png", small)
		}
		normal.add(o)
		time.Sleep(100 * time.Millisecond)
	}
	wg.Wait()
	rss, fds := smp.take()
	fmt.Fprintf(c.out, "\n== normal client beside the slow connections\n  %s\n", normal)
	fmt.Fprintf(c.out, "\n== slow connections\n  %d opened (%d dial errors); %d cut by the server", opened, dialErrs, len(lifetimes))
	if len(lifetimes) > 0 {
		fmt.Fprintf(c.out, " after p50 %s, max %s", rnd(pct(lifetimes, .5)), rnd(pct(lifetimes, 1)))
	}
	fmt.Fprintf(c.out, "; %d still open at the end of the run\n  what the server sent before closing: %v\n", still, answers)
	fmt.Fprintf(c.out, "  server: max RSS %s, max open fds %d, VmHWM %s\n", mib(rss), fds, mib(procKiB(pid, "VmHWM")))
	return nil
}

// slowConn opens one connection and dribbles a request until the server
// closes it or the deadline passes. It reports how long the connection
// lived and the status line the server sent, if any.
func slowConn(addr string, headers bool, every time.Duration, deadline time.Time) (time.Duration, string, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	start := time.Now()
	if headers {
		conn.Write([]byte("POST /v1/scan HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
	} else {
		conn.Write([]byte("POST /v1/scan?listing_id=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 1000000\r\n\r\n"))
	}
	closed := make(chan string, 1)
	go func() {
		buf := make([]byte, 512)
		n, _ := conn.Read(buf)
		line, _, _ := strings.Cut(string(buf[:n]), "\r\n")
		if line == "" {
			line = "nothing (connection closed)"
		}
		closed <- line
	}()
	dribble := byte('a')
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case line := <-closed:
			return time.Since(start), line, nil
		case <-t.C:
		}
		if time.Now().After(deadline) {
			return time.Since(start), "still open", nil
		}
		if headers {
			dribble = 'x'
		}
		if _, err := conn.Write([]byte{dribble}); err != nil {
			select {
			case line := <-closed:
				return time.Since(start), line, nil
			case <-time.After(time.Second):
				return time.Since(start), "nothing; our write failed: " + errClass(err), nil
			}
		}
	}
}

func smallPNG() []byte {
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 13)
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
