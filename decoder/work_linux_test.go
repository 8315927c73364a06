package decoder_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/qrgate/qrgate/decoder"
	dimage "github.com/qrgate/qrgate/decoder/image"
)

// TestWorkTracksCPU measures what the default work budget was set from:
// the work each image of one or more sets spends at the default budget —
// none may be cut short — and the CPU its scan costs per pixel-pass (the
// scan alone: the decode's CPU, measured apart, is taken off), on this
// goroutine's own thread, so other processes' load does not count.
//
//	QRGATE_WORK_SETS=../shared/corpus/images:/tmp/synth/images go test -run TestWorkTracksCPU -v ./decoder/
//
// The table it prints is in docs/reliability.md ("The work budget").
func TestWorkTracksCPU(t *testing.T) {
	sets := os.Getenv("QRGATE_WORK_SETS")
	if sets == "" {
		t.Skip("set QRGATE_WORK_SETS to image directories, separated by colons")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	dec := decoder.New(decoder.Config{})
	for _, dir := range strings.Split(sets, ":") {
		var work []decoder.Work
		var nsPer []float64
		var most decoder.Work
		worst := ""
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, ".jsonl") || strings.HasSuffix(path, ".md") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			c0 := threadCPU(t)
			dimage.Open(context.Background(), data, dec.Limits()) // the decode alone, to take off
			c1 := threadCPU(t)
			res, err := dec.Decode(context.Background(), data)
			c2 := threadCPU(t)
			if err != nil && res.Cut == decoder.NotCut {
				return nil // not an image: nothing scanned
			}
			if res.Partial {
				t.Errorf("%s: cut short (%v) at the default budget after %v", path, res.Cut, res.Work)
			}
			if res.Work > most {
				most, worst = res.Work, filepath.Base(path)
			}
			work = append(work, res.Work)
			if res.Work > 0 {
				nsPer = append(nsPer, float64((c2-c1)-(c1-c0))/float64(res.Work))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(work)
		slices.Sort(nsPer)
		if len(work) == 0 {
			t.Fatalf("%s: no image", dir)
		}
		q := func(p float64) int { return min(len(work)-1, int(p*float64(len(work)))) }
		r := func(p float64) int { return min(len(nsPer)-1, int(p*float64(len(nsPer)))) }
		t.Logf("%s: %d images, none cut at %v; work p50 %v, p90 %v, p99 %v, max %v (%s); CPU per pixel-pass p10 %.1f ns, p50 %.1f, p90 %.1f",
			dir, len(work), decoder.DefaultBudget, work[q(.5)], work[q(.9)], work[q(.99)], work[len(work)-1], worst, nsPer[r(.1)], nsPer[r(.5)], nsPer[r(.9)])
	}
}

// threadCPU is the user and system CPU time of the calling thread.
func threadCPU(t *testing.T) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil { // 1: RUSAGE_THREAD
		t.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
