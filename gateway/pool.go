package gateway

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Errors of the decode pool; the handler turns both into 503 + Retry-After.
var (
	ErrQueueFull    = errors.New("decode queue is full")
	ErrQueueTimeout = errors.New("wait for a decode worker would exceed the queue timeout")
	// ErrDecodeMemory: the decode memory budget did not have an image's
	// bytes free within the queue timeout.
	ErrDecodeMemory = errors.New("decode memory budget spent; wait would exceed the queue timeout")
)

// pool bounds concurrent decodes: a semaphore of workers with a short queue
// in front that says no — when it is full, or when the estimated wait (queue
// position × mean decode time ÷ workers) or the actual wait passes the queue
// timeout. Holding memory for requests that will time out anyway is what
// takes a service down under load; refusing them early is cheap.
type pool struct {
	tokens       chan struct{}
	workers      int64
	queueSize    int64
	queueTimeout time.Duration
	waiting      atomic.Int64
	meanNanos    atomic.Int64 // moving average of how long a worker is held
	depth        prometheus.Gauge
}

func newPool(workers, queueSize int, queueTimeout time.Duration, depth prometheus.Gauge) *pool {
	return &pool{
		tokens: make(chan struct{}, workers), workers: int64(workers),
		queueSize: int64(queueSize), queueTimeout: queueTimeout, depth: depth,
	}
}

// acquire takes a worker, waiting in the queue if needed. The returned
// release must be called exactly once.
func (p *pool) acquire(ctx context.Context) (release func(), err error) {
	select {
	case p.tokens <- struct{}{}:
		return p.releaser(), nil
	default:
	}
	n := p.waiting.Add(1)
	p.depth.Inc()
	defer func() {
		p.waiting.Add(-1)
		p.depth.Dec()
	}()
	if n > p.queueSize {
		return nil, ErrQueueFull
	}
	if est := time.Duration(p.meanNanos.Load() * n / p.workers); est > p.queueTimeout {
		return nil, ErrQueueTimeout
	}
	t := time.NewTimer(p.queueTimeout)
	defer t.Stop()
	select {
	case p.tokens <- struct{}{}:
		return p.releaser(), nil
	case <-t.C:
		return nil, ErrQueueTimeout
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *pool) releaser() func() {
	start := time.Now()
	return func() {
		d := time.Since(start).Nanoseconds()
		// EWMA with weight 1/8; races between releasers only lose a sample.
		old := p.meanNanos.Load()
		p.meanNanos.Store(old + (d-old)/8)
		<-p.tokens
	}
}
