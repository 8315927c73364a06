package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// runStoreFault puts the data dir on a small ext4 filesystem in a loop
// device (root only), then, under steady flagged traffic: fills the
// filesystem (disk full), frees it again, and finally turns the filesystem
// read-only the way the kernel does after a disk error (ext4
// errors=remount-ro, triggered through /sys/fs/ext4/DEV/trigger_fs_error).
// Each phase reports the answers, /readyz, and at the end the queue is
// checked: every 200 with review_stored true is in it, none twice.
func runStoreFault(c common, args []string) error {
	fs := flag.NewFlagSet("storefault", flag.ContinueOnError)
	phaseLen := fs.Duration("phase", 6*time.Second, "length of each phase (at most 1m)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *phaseLen > time.Minute {
		return errors.New("-phase at most 1m")
	}
	if os.Geteuid() != 0 {
		return errors.New("storefault mounts a loop device: run it as root")
	}
	dir := mustTemp("qrgate-storefault-")
	img, mnt := filepath.Join(dir, "fs.img"), filepath.Join(dir, "mnt")
	os.Mkdir(mnt, 0o755)
	loop, err := mountExt4(img, mnt, 64)
	if err != nil {
		return err
	}
	defer func() {
		exec.Command("umount", mnt).Run()
		exec.Command("losetup", "-d", loop).Run()
	}()
	token := randHex(24)
	mods := filepath.Join(dir, "moderators")
	os.WriteFile(mods, []byte("reliability "+token+"\n"), 0o600)
	data := filepath.Join(mnt, "data")
	srv, err := startServer(c.qrgate, "--data-dir", data, "--moderators-file", mods)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Fprintf(c.out, "data dir %s on a 64 MiB ext4 in %s (errors=remount-ro); store fail-closed (the default)\n", data, loop)

	acked := map[string]bool{}
	var ackMu sync.Mutex
	filler := filepath.Join(mnt, "filler")
	phases := []struct {
		name  string
		setup func() (string, error)
	}{
		{"healthy", func() (string, error) { return "", nil }},
		{"disk full", func() (string, error) {
			n, err := fill(filler)
			return fmt.Sprintf("filled with %s until %v", mib(n/1024), err), nil
		}},
		{"space freed", func() (string, error) { return "filler removed", os.Remove(filler) }},
		{"read-only (ext4 error → emergency remount ro)", func() (string, error) {
			dev := filepath.Base(loop)
			if err := os.WriteFile("/sys/fs/ext4/"+dev+"/trigger_fs_error", []byte("1"), 0); err != nil {
				return "", fmt.Errorf("trigger_fs_error: %w", err)
			}
			time.Sleep(200 * time.Millisecond)
			return "mount options now: " + mountOpts(mnt), nil
		}},
	}
	seen := 0
	for i, ph := range phases {
		note, err := ph.setup()
		if err != nil {
			return fmt.Errorf("%s: %w", ph.name, err)
		}
		flagged, clean, ready := storeTraffic(srv, fmt.Sprintf("sf-%d", i), *phaseLen, acked, &ackMu)
		fmt.Fprintf(c.out, "\n== %s (%s)\n  flagged listings: %s\n  clean listings: %s\n  /readyz (admin) polled every 200 ms: %v\n",
			ph.name, note, flagged, clean, ready)
		logs := srv.logs.String()
		fmt.Fprintf(c.out, "  server log errors: %s\n", distinctErrors(logs[min(seen, len(logs)):], 3))
		seen = len(logs)
	}
	scans, listings, err := readQueue(srv.admin, token)
	if err != nil {
		fmt.Fprintf(c.out, "\nreading the queue on the read-only filesystem failed (%v); restarting on it read-only is not possible, so remounting read-write\n", err)
		return err
	}
	missing, dups := 0, 0
	for id := range acked {
		if scans[id] == 0 {
			missing++
		}
	}
	for _, n := range scans {
		if n > 1 {
			dups++
		}
	}
	for _, n := range listings {
		if n > 1 {
			dups++
		}
	}
	fmt.Fprintf(c.out, "\n== queue (read through the review API while read-only)\n  acknowledged %d, in the queue %d, acknowledged but missing %d, duplicates %d\n",
		len(acked), len(scans), missing, dups)
	if missing > 0 || dups > 0 {
		return errors.New("lost or duplicated items")
	}
	return nil
}

// storeTraffic sends flagged listings from 4 clients and a clean one, and
// polls /readyz, for d.
func storeTraffic(srv *server, prefix string, d time.Duration, acked map[string]bool, ackMu *sync.Mutex) (flagged, clean *tally, ready map[int]int) {
	flagged, clean, ready = newTally(), newTally(), map[int]int{}
	cl := newClient(8, 30*time.Second)
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				// 4 KiB of random text: an unreadable image (warn, reviewed)
				// that is stored, so the disk fills.
				body := []byte(randHex(2 << 10))
				o := post(cl, fmt.Sprintf("%s/v1/scan?listing_id=%s-%d-%d", srv.pub, prefix, w, i), "application/octet-stream", body)
				mu.Lock()
				flagged.add(o)
				mu.Unlock()
				if o.code == "stored" {
					ackMu.Lock()
					acked[scanID(o.body)] = true
					ackMu.Unlock()
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		for time.Now().Before(deadline) {
			o := post(cl, srv.pub+"/v1/scan", "application/json", []byte(`{"listing_id":"clean","texts":["Wireless headphones"]}`))
			mu.Lock()
			clean.add(o)
			mu.Unlock()
			time.Sleep(100 * time.Millisecond)
		}
	}()
	go func() {
		defer wg.Done()
		for time.Now().Before(deadline) {
			st, _, _ := get(cl, srv.admin+"/readyz")
			mu.Lock()
			ready[st]++
			mu.Unlock()
			time.Sleep(200 * time.Millisecond)
		}
	}()
	wg.Wait()
	return
}

func scanID(body []byte) string {
	_, rest, _ := strings.Cut(string(body), `"scan_id":"`)
	id, _, _ := strings.Cut(rest, `"`)
	return id
}

// mountExt4 makes an ext4 image of sizeMiB (no reserved blocks), attaches
// it to a loop device and mounts it at mnt with errors=remount-ro.
func mountExt4(img, mnt string, sizeMiB int) (string, error) {
	run := func(name string, args ...string) (string, error) {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out)), nil
	}
	if _, err := run("truncate", "-s", fmt.Sprintf("%dM", sizeMiB), img); err != nil {
		return "", err
	}
	if _, err := run("mkfs.ext4", "-q", "-m", "0", img); err != nil {
		return "", err
	}
	loop, err := run("losetup", "-f", "--show", img)
	if err != nil {
		return "", err
	}
	if _, err := run("mount", "-o", "errors=remount-ro", loop, mnt); err != nil {
		exec.Command("losetup", "-d", loop).Run()
		return "", err
	}
	return loop, nil
}

// fill writes zeros to path until the filesystem is full; it returns the
// bytes written and the error that stopped it.
func fill(path string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var n int64
	for range 1 << 12 { // 4 GiB at most
		k, err := f.Write(buf)
		n += int64(k)
		if err != nil {
			f.Sync()
			return n, err
		}
	}
	return n, errors.New("not full after 4 GiB")
}

func mountOpts(mnt string) string {
	b, _ := os.ReadFile("/proc/mounts")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 3 && f[1] == mnt {
			return f[3]
		}
	}
	return "?"
}

// distinctErrors lists up to n distinct "err" values of JSON log lines.
func distinctErrors(logs string, n int) []string {
	var out []string
	have := map[string]bool{}
	for _, line := range strings.Split(logs, "\n") {
		var m struct {
			Err string `json:"err"`
		}
		if json.Unmarshal([]byte(line), &m) != nil || m.Err == "" {
			continue
		}
		e := m.Err
		if i := strings.Index(e, "put sf-"); i >= 0 { // drop the per-listing id
			e = e[:i] + "put …"
		}
		if !have[e] {
			have[e] = true
			out = append(out, e)
		}
		if len(out) == n {
			break
		}
	}
	return out
}
