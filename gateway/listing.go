package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/scan"
)

// listingResult is a scanned listing under one policy snapshot.
type listingResult struct {
	Policy   *policy.Policy
	Verdict  policy.Action
	Findings []policy.Finding
	Images   []imageResult
}

// imageResult is one image's outcome plus what the response reports of it.
type imageResult struct {
	scan.Image
	Name   string
	Cached bool
	Hash   imageKey
}

// scanListing scans the texts and images of req under pol. Images not in
// the cache are decoded in parallel through the shared pool: each decode
// runs on its own goroutine only while it holds a worker, so goroutines
// never outnumber workers however many images a request carries. It fails
// only when the pool refuses (overload); every per-image problem is in the
// image's result.
func (g *Gateway) scanListing(ctx context.Context, pol *policy.Policy, req *scanRequest) (*listingResult, error) {
	out := &listingResult{Policy: pol, Images: make([]imageResult, len(req.Images))}
	if len(req.Images) > 0 {
		if err := g.scanImages(ctx, pol, req.Images, out.Images); err != nil {
			return nil, err
		}
	}
	for _, im := range out.Images {
		out.Findings = append(out.Findings, im.Findings...)
	}
	for i, t := range req.Texts {
		out.Findings = append(out.Findings, pol.ScanText(i, t)...)
	}
	if out.Findings == nil {
		out.Findings = []policy.Finding{}
	}
	out.Verdict = policy.Verdict(out.Findings)
	return out, nil
}

func (g *Gateway) scanImages(ctx context.Context, pol *policy.Policy, in []imageInput, out []imageResult) error {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.ScanTimeout)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait() // decodes read the request's bytes: never return before they end
	type waiter struct {
		i     int
		f     *flight
		start time.Time
	}
	var waiters []waiter
	var refused error
	for i, im := range in {
		start := time.Now()
		out[i].Name = im.Name
		out[i].Hash = sha256.Sum256(im.Data)
		o, hit, f, leader := g.cache.lookup(out[i].Hash)
		switch {
		case hit:
			g.m.cacheHits.Inc()
			out[i].Image = scan.FromDecode(pol, i, o.res, o.err)
			out[i].Cached = true
			out[i].Elapsed = time.Since(start)
			continue
		case !leader: // the same bytes are being decoded now
			waiters = append(waiters, waiter{i, f, start})
			continue
		}
		if g.cache != nil {
			g.m.cacheMisses.Inc()
		}
		if ctx.Err() != nil {
			g.cache.finish(out[i].Hash, f, decodeOutcome{}, false)
			out[i].Image = timedOut(pol, i)
			continue
		}
		release, err := g.pool.acquire(ctx)
		if err != nil {
			g.cache.finish(out[i].Hash, f, decodeOutcome{}, false)
			if ctx.Err() != nil { // the scan deadline passed while queued
				out[i].Image = timedOut(pol, i)
				continue
			}
			refused = err
			cancel() // stop the decodes already running: the request is refused
			break
		}
		wg.Add(1)
		go func(i int, data []byte) {
			defer wg.Done()
			defer release()
			var o decodeOutcome
			out[i].Image, o = g.decodeImage(ctx, pol, i, out[i].Hash, data)
			out[i].Elapsed = time.Since(start)
			g.cache.finish(out[i].Hash, f, o, true)
		}(i, im.Data)
	}
	for _, w := range waiters {
		if refused != nil {
			break
		}
		select {
		case <-w.f.done:
		case <-ctx.Done():
			out[w.i].Image = timedOut(pol, w.i)
			continue
		}
		if w.f.usable {
			g.m.cacheHits.Inc()
			out[w.i].Image = scan.FromDecode(pol, w.i, w.f.out.res, w.f.out.err)
			out[w.i].Cached = true
			out[w.i].Elapsed = time.Since(w.start)
			continue
		}
		// The flight ended without a usable outcome: decode it here.
		g.m.cacheMisses.Inc()
		release, err := g.pool.acquire(ctx)
		if err != nil {
			if ctx.Err() != nil {
				out[w.i].Image = timedOut(pol, w.i)
				continue
			}
			refused = err
			cancel()
			break
		}
		out[w.i].Image, _ = g.decodeImage(ctx, pol, w.i, out[w.i].Hash, in[w.i].Data)
		out[w.i].Elapsed = time.Since(w.start)
		release()
	}
	wg.Wait()
	if refused != nil {
		return refused
	}
	for i := range out {
		g.countImage(&out[i].Image)
	}
	return nil
}

// decodeImage decodes one image on a worker, caches a complete outcome and
// classifies it under pol; it also returns the raw outcome for waiters.
func (g *Gateway) decodeImage(ctx context.Context, pol *policy.Policy, index int, hash imageKey, data []byte) (scan.Image, decodeOutcome) {
	cfg := g.decCfg
	cfg.OnPanic = func(r any) {
		g.m.decoderPanics.Inc()
		g.log.Error("decoder panic contained", "image_sha256", hex.EncodeToString(hash[:]), "panic", r)
	}
	start := time.Now()
	res, err := scan.New(decoder.New(cfg)).Decode(ctx, data)
	g.m.decodeDuration.Observe(time.Since(start).Seconds())
	o := decodeOutcome{res: res, err: err}
	g.cache.put(hash, o)
	im := scan.FromDecode(pol, index, res, err)
	if im.Error != nil && im.Error.Code == decoder.ErrTimeout {
		im.Partial = true // a deadline cut it short, whatever stage it was in
	}
	return im, o
}

// timedOut is an image the scan deadline left no time for.
func timedOut(pol *policy.Policy, index int) scan.Image {
	im := scan.FromDecode(pol, index, nil, &decoder.Error{Code: decoder.ErrTimeout, Message: "scan deadline passed before the image was decoded"})
	im.Partial = true
	return im
}

func (g *Gateway) countImage(im *scan.Image) {
	format := im.Format
	if format == "" {
		format = "unknown"
	}
	outcome := "no_codes"
	switch {
	case im.Error != nil:
		outcome = "error"
	case im.Codes > 0:
		outcome = "codes"
	}
	g.m.images.WithLabelValues(format, outcome).Inc()
}
