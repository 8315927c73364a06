package gateway

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	dimage "github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/internal/testfixtures"
	"github.com/qrgate/qrgate/membudget"
)

// TestScanBombsBesideANormalClient (issue 22): four progressive JPEGs of
// 2000 and 8000 scans at once, round after round with new bytes, while a
// normal client sends its photo: every bomb is answered warn with the
// image error too_complex (refused from its markers, no pixel decoded) and
// every one of the normal client's requests is answered with its code.
func TestScanBombsBesideANormalClient(t *testing.T) {
	tg := startGateway(t)
	photo := readTestdata(t, "0012.jpg")
	want := do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/jpeg", photo)
	if want.status != 200 {
		t.Fatalf("the normal photo alone: %d %s", want.status, want.body)
	}
	wantVerdict := want.json(t)["verdict"]

	const rounds = 3
	var wg sync.WaitGroup
	stop := make(chan struct{})
	normal := make(chan response, 1000)
	wg.Add(1)
	go func() { // the normal client, one request after another until the bombs end
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			normal <- do(t, "POST", tg.pub+"/v1/scan?listing_id=normal", "image/jpeg", photo)
		}
	}()
	var bombs sync.WaitGroup
	for round := range rounds {
		for i := range 4 {
			bombs.Add(1)
			go func() {
				defer bombs.Done()
				scans := []int{2000, 8000}[i%2]
				side := 1024 + 8*(4*round+i) // new bytes each time: no cache hit helps
				data := testfixtures.ProgressiveJPEG(side, side, scans)
				r := do(t, "POST", tg.pub+"/v1/scan?listing_id=bomb", "image/jpeg", data)
				checkBombAnswer(t, fmt.Sprintf("round %d: %d-scan JPEG of %d²", round, scans, side), r, []string{"too_complex"})
			}()
		}
		bombs.Wait()
	}
	close(stop)
	wg.Wait()
	close(normal)
	n := 0
	for r := range normal {
		n++
		if r.status != 200 || r.json(t)["verdict"] != wantVerdict {
			t.Errorf("normal client's request %d: %d %s", n, r.status, r.body)
		}
	}
	if n == 0 {
		t.Error("the normal client got no answer while the bombs were sent")
	}
	if got := metric(t, tg.reg, "qrgate_images_total", "format", "jpeg", "outcome", "error"); got != 4*rounds {
		t.Errorf("images{jpeg,error} = %v, want the %d bombs", got, 4*rounds)
	}
}

// TestDecodeMemoryReserved: an image reserves exactly what its headers say
// its decode holds (image.Inspect's Bytes) from the decode memory budget
// before it is decoded; without those bytes free within the queue timeout
// the listing is refused with 503 and Retry-After; an image needing more
// than the whole budget is too_large, without being decoded.
func TestDecodeMemoryReserved(t *testing.T) {
	png := testfixtures.PNGZeros(1000, 1000, 16, 6, true)
	info, err := dimage.Inspect(png)
	if err != nil {
		t.Fatal(err)
	}
	budget := membudget.New(info.Bytes + 1000)
	tg := startGateway(t, func(o *Options) {
		o.DecodeMemory = budget
		o.Config.CacheEntries = -1
		o.Config.QueueTimeout = 50 * time.Millisecond
	})
	hold := func(n int64) func() {
		release, err := budget.Acquire(context.Background(), n, 0)
		if err != nil {
			t.Fatal(err)
		}
		return release
	}

	release := hold(1000 + 1) // one byte short of the image's estimate
	r := do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", png)
	if r.status != 503 || r.header.Get("Retry-After") == "" || r.errorCode(t) != "overloaded" {
		t.Errorf("one byte short of the budget: %d %v %s", r.status, r.header, r.body)
	}
	if got := metric(t, tg.reg, "qrgate_rejected_total", "reason", "decode_memory"); got != 1 {
		t.Errorf("rejected{decode_memory} = %v, want 1", got)
	}
	release()

	release = hold(1000) // exactly the image's estimate left
	r = do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", png)
	if r.status != 200 || r.json(t)["images"].([]any)[0].(map[string]any)["error"] != nil {
		t.Errorf("the estimate free: %d %s", r.status, r.body)
	}
	if budget.InUse() != 1000 {
		t.Errorf("%d bytes reserved after the decode, want the 1000 still held", budget.InUse())
	}
	release()

	big := testfixtures.PNGZeros(1100, 1000, 16, 6, true) // more than the whole budget
	r = do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", big)
	checkBombAnswer(t, "over the whole budget", r, []string{"too_large"})
	if msg := fmt.Sprint(r.json(t)["images"].([]any)[0].(map[string]any)["error"]); !strings.Contains(msg, "decode memory budget") {
		t.Errorf("too_large message %q does not name the budget", msg)
	}
	if got := metric(t, tg.reg, "qrgate_decode_memory_refused_total"); got != 1 {
		t.Errorf("decode_memory_refused = %v, want 1", got)
	}
}
