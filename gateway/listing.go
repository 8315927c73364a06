package gateway

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/membudget"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/scan"
)

// listingResult is a scanned listing under one policy snapshot, with what
// the response and the review record need of each image beyond its scan.
type listingResult struct {
	*scan.Listing
	Policy *policy.Policy
	Names  []string   // Names[i] is image i's file name, if it came with one
	Hashes []imageKey // Hashes[i] is image i's content hash
}

// scanListing scans the texts and images of req under pol: scan.Scan
// composes the listing, decoding its images with decodeImages. It fails only
// when the pool refuses (overload); every per-image problem is in the
// image's result.
func (g *Gateway) scanListing(ctx context.Context, pol *policy.Policy, req *scanRequest) (*listingResult, error) {
	out := &listingResult{Policy: pol, Names: make([]string, len(req.Images)), Hashes: make([]imageKey, len(req.Images))}
	in := scan.Input{Texts: req.Texts, Images: make([][]byte, len(req.Images)), MaxTextFindings: g.cfg.MaxTextFindings}
	for i, im := range req.Images {
		in.Images[i], out.Names[i], out.Hashes[i] = im.Data, im.Name, sha256.Sum256(im.Data)
	}
	l, err := scan.Scan(ctx, pol, in, func(ctx context.Context, images [][]byte) ([]scan.Decoded, error) {
		return g.decodeImages(ctx, out.Hashes, images)
	})
	if err != nil {
		return nil, err
	}
	out.Listing = l
	for i := range l.Images {
		g.countImage(&l.Images[i])
	}
	return out, nil
}

// decodeImages is the gateway's scan.Decode: the fan-out of a listing's
// images under the scan deadline. Each image is claimed in turn (claim);
// one this request leads decodes on its own goroutine, started only once it
// holds a worker, so goroutines never outnumber workers however many images
// a request carries. Images that another request is decoding are awaited
// last. When the pool refuses an image, the decodes already running are
// cancelled and the listing is refused.
func (g *Gateway) decodeImages(ctx context.Context, keys []imageKey, images [][]byte) ([]scan.Decoded, error) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.ScanTimeout)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait() // decodes read the request's bytes: never return before they end
	out := make([]scan.Decoded, len(images))
	starts := make([]time.Time, len(images))
	waits := map[int]*flight{}
	for i, data := range images {
		starts[i] = time.Now()
		c := g.claim(ctx, keys[i], data)
		switch {
		case c.err != nil:
			cancel() // stop the decodes already running: the listing is refused
			return nil, c.err
		case c.wait != nil:
			waits[i] = c.wait
		case c.lead != nil:
			wg.Add(1)
			go func() {
				defer wg.Done()
				out[i] = c.lead(data)
				out[i].Elapsed = time.Since(starts[i])
			}()
		default:
			out[i] = c.out
			out[i].Elapsed = time.Since(starts[i])
		}
	}
	for i := range images { // in image order, for a deterministic refusal
		f, ok := waits[i]
		if !ok {
			continue
		}
		d, err := g.await(ctx, keys[i], f, images[i])
		if err != nil {
			cancel()
			return nil, err
		}
		out[i] = d
		out[i].Elapsed = time.Since(starts[i])
	}
	wg.Wait()
	return out, nil
}

// claimed is where one image stands after claim: exactly one of out (a
// cache hit, the scan deadline passed, or an image larger than the whole
// decode memory budget), wait (another request is
// decoding the same bytes), lead (this caller decodes them on the worker it
// now holds) or err (the pool refused) is the answer.
type claimed struct {
	out  scan.Decoded
	wait *flight
	lead func(data []byte) scan.Decoded
	err  error
}

// claim takes one image through the cache and singleflight protocol: a
// cached outcome is used as it is; bytes being decoded now are waited for;
// otherwise the caller reserves the decode's memory (its estimate from the
// headers) and leads a new flight on a worker of the pool. The leader's
// outcome is cached once, when its flight ends.
func (g *Gateway) claim(ctx context.Context, key imageKey, data []byte) claimed {
	o, hit, f, leader := g.cache.lookup(key)
	switch {
	case hit:
		g.m.cacheHits.Inc()
		return claimed{out: o.decoded(true)}
	case !leader:
		return claimed{wait: f}
	}
	if g.cache != nil {
		g.m.cacheMisses.Inc()
	}
	free, refused, err := g.reserve(ctx, data)
	if refused != nil { // depends on the bytes and the budget alone: cached
		g.cache.finish(key, f, *refused, true)
		return claimed{out: refused.decoded(false)}
	}
	var release func()
	if err == nil {
		if release, err = g.worker(ctx); err != nil {
			free()
		}
	}
	if err != nil {
		g.cache.finish(key, f, decodeOutcome{}, false)
		if errors.Is(err, errScanDeadline) {
			return claimed{out: timedOut()}
		}
		return claimed{err: err}
	}
	return claimed{lead: func(data []byte) scan.Decoded {
		defer free()
		defer release()
		o := g.decode(ctx, data)
		g.cache.finish(key, f, o, true)
		return o.decoded(false)
	}}
}

// await waits for another request's flight of the same bytes. A flight that
// ended without a usable outcome (its leader was refused or timed out) sends
// the image back through claim: cached by now, another flight, or decoded
// here.
func (g *Gateway) await(ctx context.Context, key imageKey, f *flight, data []byte) (scan.Decoded, error) {
	for {
		select {
		case <-f.done:
		case <-ctx.Done():
			return timedOut(), nil
		}
		if f.usable {
			g.m.cacheHits.Inc()
			return f.out.decoded(true), nil
		}
		c := g.claim(ctx, key, data)
		switch {
		case c.err != nil:
			return scan.Decoded{}, c.err
		case c.wait != nil:
			f = c.wait
		case c.lead != nil:
			return c.lead(data), nil
		default:
			return c.out, nil
		}
	}
}

// errScanDeadline: the scan deadline passed before the image got a worker.
var errScanDeadline = errors.New("scan deadline passed before the image was decoded")

// worker takes a decode worker from the pool. It returns errScanDeadline
// when the scan deadline passed first (the image is timed out, the listing
// goes on), and the pool's error when it refuses (the listing is refused).
func (g *Gateway) worker(ctx context.Context) (release func(), err error) {
	if ctx.Err() != nil {
		return nil, errScanDeadline
	}
	release, err = g.pool.acquire(ctx)
	if err != nil && ctx.Err() != nil {
		return nil, errScanDeadline
	}
	return release, err
}

// reserve takes from the decode memory budget what decoding data will
// hold, by its headers (image.Inspect), before anything is decoded: free
// gives it back. An image whose headers the decoder refuses anyway
// (unreadable, over a limit) costs nothing to refuse and reserves nothing;
// one that needs more than the whole budget is refused here (refused:
// too_large); when the bytes are not free within the queue timeout, the
// listing is refused (ErrDecodeMemory: 503), or the image timed out if
// the scan deadline passed first.
func (g *Gateway) reserve(ctx context.Context, data []byte) (free func(), refused *decodeOutcome, err error) {
	info, err := image.Inspect(data)
	if err != nil || g.dec.Limits().Check(info) != nil {
		return func() {}, nil, nil
	}
	if ctx.Err() != nil {
		return nil, nil, errScanDeadline
	}
	free, err = g.mem.Acquire(ctx, info.Bytes, g.cfg.QueueTimeout)
	switch {
	case errors.Is(err, membudget.ErrTooLarge):
		g.m.decodeMemoryRefused.Inc()
		res := &decoder.Result{Format: info.Format, Width: info.Width, Height: info.Height, Frames: info.Frames}
		return nil, &decodeOutcome{res: res, err: &decoder.Error{Code: decoder.ErrTooLarge, Err: err,
			Message: fmt.Sprintf("decoding this %dx%d %s needs about %d MiB, over the decode memory budget of %d MiB",
				info.Width, info.Height, info.Format, info.Bytes>>20, g.mem.Max()>>20)}}, nil
	case errors.Is(err, membudget.ErrTimeout):
		return nil, nil, ErrDecodeMemory
	case err != nil:
		return nil, nil, errScanDeadline
	}
	return free, nil, nil
}

// decode runs the decoder on a worker the caller holds.
func (g *Gateway) decode(ctx context.Context, data []byte) decodeOutcome {
	start := time.Now()
	res, err := g.decodeImage(ctx, data)
	g.m.decodeDuration.Observe(time.Since(start).Seconds())
	return decodeOutcome{res: res, err: err}
}

// timedOut is an image the scan deadline left no time for.
func timedOut() scan.Decoded {
	return scan.Decoded{Err: &decoder.Error{Code: decoder.ErrTimeout, Message: errScanDeadline.Error()}}
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
