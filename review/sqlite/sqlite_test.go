package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/qrgate/qrgate/review/store"
	"github.com/qrgate/qrgate/review/store/storetest"
)

func openTemp(t *testing.T, q store.Quotas) store.Store {
	s, err := Open(context.Background(), Config{Dir: t.TempDir(), Quotas: q})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSuite(t *testing.T) { storetest.Run(t, openTemp) }

func TestReopenKeepsItemsAndSchema(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Put(context.Background(), storetest.NewRecord("a", "L", "S", "x", storetest.PNG))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(context.Background(), Config{Dir: dir})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if _, err := s.Get(context.Background(), id); err != nil {
		t.Fatalf("after reopen: %v", err)
	}
	var v int
	if err := s.DB.R.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil || v != len(migrations) {
		t.Errorf("schema version %d (%v), want %d", v, err, len(migrations))
	}
	var mode, sync string
	s.DB.W.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	s.DB.W.QueryRow(`PRAGMA synchronous`).Scan(&sync)
	if mode != "wal" || sync != "2" { // 2 is FULL
		t.Errorf("journal_mode %q synchronous %q, want wal and 2 (FULL)", mode, sync)
	}
}

func TestReadOnlyDataDir(t *testing.T) {
	if os.Geteuid() == 0 {
		// root ignores directory permissions; a read-only bind mount would
		// be the real test, which needs privileges CI may not grant.
		t.Skip("running as root: permissions are not enforced")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	_, err := Open(context.Background(), Config{Dir: dir})
	if !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "not writable") {
		t.Errorf("Open(read-only dir) = %v; want ErrUnavailable naming the dir", err)
	}
}

// TestReadOnlyDatabase covers what root can test: a database file made
// read-only (as after a read-only remount). Open must fail clearly.
func TestReadOnlyDatabase(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Reopen read-only through SQLite itself: writes must surface as
	// ErrUnavailable from Ready and Put, never as success.
	s, err = Open(context.Background(), Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.DB.W.Exec(`PRAGMA query_only = ON`); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(context.Background()); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Ready on a read-only database = %v, want ErrUnavailable", err)
	}
	_, err = s.Put(context.Background(), storetest.NewRecord("a", "L", "S", "x", storetest.PNG))
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Put on a read-only database = %v, want ErrUnavailable", err)
	}
}

// crashChildEnv makes the test binary a child that records until killed.
const crashChildEnv = "QRGATE_REVIEW_CRASH_CHILD_DIR"

// TestCrashChild is the child's body; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("only runs as TestKill9's child")
	}
	s, err := Open(context.Background(), Config{Dir: dir})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(3)
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	var n atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				scan := fmt.Sprintf("w%d-%d", w, i)
				img := append([]byte(scan), storetest.PNG...) // a new image every record
				if _, err := s.Put(context.Background(), storetest.NewRecord(scan, "L"+scan, fmt.Sprint("S", w), "id"+scan, img)); err != nil {
					fmt.Println("ERR", err)
					os.Exit(3)
				}
				// Acknowledged: only now may the parent count it as stored.
				mu.Lock()
				fmt.Fprintln(out, "ACK", scan)
				out.Flush()
				mu.Unlock()
				n.Add(1)
			}
		}(w)
	}
	wg.Wait()
}

// TestKill9 records from a child process, SIGKILLs it mid-stream, reopens
// the database and checks that every acknowledged record is there, once.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	for round := 0; round < 3; round++ {
		acked := runAndKill(t, dir, 400+round*300)
		s, err := Open(context.Background(), Config{Dir: dir})
		if err != nil {
			t.Fatalf("round %d: reopen after kill -9: %v", round, err)
		}
		seen := map[string]int{}
		f := store.Filter{Limit: store.MaxLimit}
		for {
			p, err := s.List(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range p.Items {
				seen[it.ScanID]++
			}
			if p.Next == 0 {
				break
			}
			f.Cursor = p.Next
		}
		for scan, n := range seen {
			if n != 1 {
				t.Errorf("round %d: %s stored %d times", round, scan, n)
			}
		}
		lost := 0
		for _, scan := range acked {
			if seen[scan] == 0 {
				lost++
			}
		}
		t.Logf("round %d: %d acknowledged before SIGKILL, %d stored in all, %d lost", round, len(acked), len(seen), lost)
		if lost > 0 {
			t.Errorf("round %d: %d acknowledged records lost", round, lost)
		}
		// Spot-check one acknowledged record is whole (findings and image).
		last := acked[len(acked)-1]
		p, _ := s.List(context.Background(), store.Filter{Identifier: "id" + last})
		if len(p.Items) != 1 {
			t.Fatalf("round %d: %s not found by identifier", round, last)
		}
		it, err := s.Get(context.Background(), p.Items[0].ID)
		if err != nil || len(it.Findings) != 2 || len(it.Images) != 1 {
			t.Errorf("round %d: %s incomplete: %+v %v", round, last, it, err)
		} else if _, err := s.Image(context.Background(), it.Images[0].SHA256); err != nil {
			t.Errorf("round %d: image of %s: %v", round, last, err)
		}
		s.Close()
	}
}

// runAndKill starts the child on dir, waits for `after` acknowledgements,
// sends SIGKILL and returns every scan id the child acknowledged. Scan ids
// restart at 0 each round: re-sent ids must not be stored twice.
func runAndKill(t *testing.T, dir string, after int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v=false")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(stdout)
	deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	killed := false
	for sc.Scan() {
		line := sc.Text()
		if scan, ok := strings.CutPrefix(line, "ACK "); ok {
			acked = append(acked, scan)
		} else if strings.HasPrefix(line, "ERR") {
			t.Fatalf("child: %s", line)
		}
		if !killed && len(acked) >= after {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			// Keep reading: lines already written before the kill were
			// acknowledged too.
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("child ended before %d acknowledgements (%d)", after, len(acked))
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+"-wal")); err != nil {
		t.Logf("no WAL left behind: %v", err)
	}
	return acked
}

// BenchmarkPut: go test -run '^$' -bench Put -benchtime 3s ./review/sqlite/
func BenchmarkPut(b *testing.B) {
	s, err := Open(context.Background(), Config{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	storetest.BenchPut(b, s, 64<<10)
}
