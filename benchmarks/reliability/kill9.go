package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// runKill9 sends flagged (warn) listings from many clients, kills the
// server with SIGKILL in the middle, restarts it on the same data dir, and
// repeats; at the end it reads the whole review queue through the review
// API and checks that every scan answered 200 with review_stored true is
// there, and that no scan and no listing is there twice.
func runKill9(c common, args []string) error {
	fs := flag.NewFlagSet("kill9", flag.ContinueOnError)
	rounds := fs.Int("rounds", 3, "kill -9 and restart this many times (at most 20)")
	conc := fs.Int("c", 16, "concurrent clients")
	before := fs.Duration("kill-after", 3*time.Second, "traffic before each kill (at most 1m)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rounds < 1 || *rounds > 20 || *conc < 1 || *conc > 256 || *before > time.Minute {
		return errors.New("-rounds 1..20, -c 1..256, -kill-after at most 1m")
	}
	dir := mustTemp("qrgate-kill9-")
	token := randHex(24)
	mods := filepath.Join(dir, "moderators")
	if err := os.WriteFile(mods, []byte("reliability "+token+"\n"), 0o600); err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	args0 := []string{"--data-dir", data, "--moderators-file", mods}
	fmt.Fprintf(c.out, "data dir %s; %d rounds of %d clients sending unreadable images (policy: on_image_error warn, reviewed) for %s, then kill -9\n",
		data, *rounds, *conc, before)

	acked := map[string]string{} // scan_id → listing_id, answered 200 with review_stored true
	var seq atomic.Int64
	total := newTally()
	for r := range *rounds {
		srv, err := startServer(c.qrgate, args0...)
		if err != nil {
			return err
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		round := newTally()
		cl := newClient(*conc, 30*time.Second)
		for range *conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					i := seq.Add(1)
					body := []byte(fmt.Sprintf("not an image %d %s", i, randHex(16)))
					o := post(cl, fmt.Sprintf("%s/v1/scan?listing_id=k9-%d", srv.pub, i), "application/octet-stream", body)
					mu.Lock()
					round.add(o)
					total.add(o)
					if o.code == "stored" {
						var a struct {
							ScanID    string `json:"scan_id"`
							ListingID string `json:"listing_id"`
						}
						json.Unmarshal(o.body, &a)
						acked[a.ScanID] = a.ListingID
					}
					mu.Unlock()
					if o.status == 0 { // the server is gone
						return
					}
				}
			}()
		}
		time.Sleep(*before)
		srv.kill()
		close(stop)
		wg.Wait()
		fmt.Fprintf(c.out, "round %d: pid %d killed with SIGKILL after %s: %s\n", r+1, srv.pid(), before, round)
	}

	srv, err := startServer(c.qrgate, args0...)
	if err != nil {
		return err
	}
	defer srv.stop()
	scans, listings, err := readQueue(srv.admin, token)
	if err != nil {
		return err
	}
	missing, dupScans, dupListings := 0, 0, 0
	for id := range acked {
		if scans[id] == 0 {
			missing++
		}
	}
	for _, n := range scans {
		if n > 1 {
			dupScans++
		}
	}
	for _, n := range listings {
		if n > 1 {
			dupListings++
		}
	}
	unacked := 0
	for id := range scans {
		if _, ok := acked[id]; !ok {
			unacked++
		}
	}
	fmt.Fprintf(c.out, "\n== after %d kills and a restart\n  %s\n", *rounds, total)
	fmt.Fprintf(c.out, "  acknowledged (200, review_stored true): %d; in the queue: %d\n", len(acked), len(scans))
	fmt.Fprintf(c.out, "  acknowledged but missing from the queue: %d\n  scans in the queue twice: %d; listings in the queue twice: %d\n", missing, dupScans, dupListings)
	fmt.Fprintf(c.out, "  in the queue but never acknowledged (in flight at a kill): %d\n", unacked)
	if missing > 0 || dupScans > 0 || dupListings > 0 {
		return errors.New("lost or duplicated items")
	}
	return nil
}

// readQueue pages through GET /v1/reviews and counts each scan id and
// listing id.
func readQueue(admin, token string) (scans, listings map[string]int, err error) {
	cl := newClient(1, 30*time.Second)
	scans, listings = map[string]int{}, map[string]int{}
	cursor := ""
	for page := 0; page < 10000; page++ {
		st, b, err := get(cl, admin+"/v1/reviews?limit=500&cursor="+cursor, "Authorization", "Bearer "+token)
		if err != nil || st != 200 {
			return nil, nil, fmt.Errorf("GET /v1/reviews: %d %v %.200s", st, err, b)
		}
		var p struct {
			Items []struct {
				ScanID    string `json:"scan_id"`
				ListingID string `json:"listing_id"`
			} `json:"items"`
			Next string `json:"next_cursor"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, nil, err
		}
		for _, it := range p.Items {
			scans[it.ScanID]++
			if strings.HasPrefix(it.ListingID, "k9-") || strings.HasPrefix(it.ListingID, "sf-") {
				listings[it.ListingID]++
			}
		}
		if p.Next == "" {
			return scans, listings, nil
		}
		cursor = p.Next
	}
	return nil, nil, errors.New("more than 10000 pages")
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
