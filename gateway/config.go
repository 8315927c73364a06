package gateway

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/qrgate/qrgate/policy"
)

// Config holds the gateway's limits and timeouts. Zero fields take their
// defaults (WithDefaults); Validate refuses the rest of nonsense.
type Config struct {
	// MaxBody is the largest request body accepted (413 above).
	MaxBody int
	// MaxBodyBytesInFlight bounds the body bytes buffered by all requests
	// together; past it, requests are shed with 503 (body.go).
	MaxBodyBytesInFlight int
	// MaxImages and MaxTexts bound one listing; MaxTextBytes bounds one text;
	// MaxIDBytes bounds listing_id and seller_id.
	MaxImages    int
	MaxTexts     int
	MaxTextBytes int
	MaxIDBytes   int
	// MaxTextFindings bounds the findings one text lists (the contract's
	// too_many_findings summary counts the rest).
	MaxTextFindings int

	// Workers is how many images decode at once; QueueSize how many
	// requests may wait for a worker; a request is refused (503) when the
	// queue is full or its estimated or actual wait exceeds QueueTimeout.
	Workers      int
	QueueSize    int
	QueueTimeout time.Duration
	// ScanTimeout is the deadline of one request's scan; images cut short
	// are marked partial.
	ScanTimeout time.Duration
	// MaxDecodeMemory is the decode memory budget in bytes: each image
	// reserves what its headers say its decode and scan hold before it is
	// decoded; an image needing more than all of it is too_large, and a
	// listing whose images cannot get their bytes within QueueTimeout is
	// refused with 503. Default DefaultDecodeMemoryPerWorker × Workers.
	MaxDecodeMemory int64
	// RecordTimeout bounds persisting a flagged listing.
	RecordTimeout time.Duration
	// CacheEntries bounds the content-hash cache of decode results (0 = default, <0 = off).
	CacheEntries int

	// HTTP server settings: slow clients must not hold workers.
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	MaxConns        int           // fasthttp Concurrency
	ShutdownTimeout time.Duration // in-flight requests get this long on shutdown

	// StoreFailOpen answers 200 with "review_stored": false when the review
	// store fails, instead of the default 503.
	StoreFailOpen bool
	// RetryAfter is the Retry-After sent with 503s.
	RetryAfter time.Duration
}

// Defaults.
const (
	DefaultMaxBody         = 32 << 20
	DefaultMaxBodyInFlight = 256 << 20
	DefaultMaxImages       = 32
	DefaultMaxTexts        = 64
	DefaultMaxTextBytes    = 256 << 10
	DefaultMaxIDBytes      = 256
	DefaultQueueSize       = 64
	DefaultQueueTimeout    = 5 * time.Second
	DefaultScanTimeout     = 10 * time.Second
	DefaultRecordTimeout   = 5 * time.Second
	DefaultCacheEntries    = 4096
	DefaultReadTimeout     = 30 * time.Second
	DefaultWriteTimeout    = 30 * time.Second
	DefaultIdleTimeout     = 60 * time.Second
	DefaultMaxConns        = 4096
	DefaultShutdownTimeout = 15 * time.Second
	DefaultRetryAfter      = 1 * time.Second
	// DefaultDecodeMemoryPerWorker: a worker's share of the default decode
	// memory budget, enough for the largest image of the shared corpus
	// (a 13-megapixel progressive JPEG: 111 MiB by its estimate,
	// `go run ./benchmarks/imagework`).
	DefaultDecodeMemoryPerWorker = 128 << 20
)

// WithDefaults fills zero fields with their defaults.
func (c Config) WithDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.MaxBody, DefaultMaxBody)
	def(&c.MaxBodyBytesInFlight, DefaultMaxBodyInFlight)
	def(&c.MaxImages, DefaultMaxImages)
	def(&c.MaxTexts, DefaultMaxTexts)
	def(&c.MaxTextBytes, DefaultMaxTextBytes)
	def(&c.MaxIDBytes, DefaultMaxIDBytes)
	def(&c.MaxTextFindings, policy.DefaultMaxTextFindings)
	def(&c.Workers, runtime.GOMAXPROCS(0))
	def(&c.QueueSize, DefaultQueueSize)
	def(&c.CacheEntries, DefaultCacheEntries)
	if c.MaxDecodeMemory == 0 {
		c.MaxDecodeMemory = int64(c.Workers) * DefaultDecodeMemoryPerWorker
	}
	def(&c.MaxConns, DefaultMaxConns)
	defD(&c.QueueTimeout, DefaultQueueTimeout)
	defD(&c.ScanTimeout, DefaultScanTimeout)
	defD(&c.RecordTimeout, DefaultRecordTimeout)
	defD(&c.ReadTimeout, DefaultReadTimeout)
	defD(&c.WriteTimeout, DefaultWriteTimeout)
	defD(&c.IdleTimeout, DefaultIdleTimeout)
	defD(&c.ShutdownTimeout, DefaultShutdownTimeout)
	defD(&c.RetryAfter, DefaultRetryAfter)
	return c
}

// ErrInvalidConfig wraps every configuration error.
var ErrInvalidConfig = errors.New("invalid gateway config")

// Validate reports the first nonsensical limit.
func (c Config) Validate() error {
	pos := map[string]int{
		"max-body": c.MaxBody, "max-body-in-flight": c.MaxBodyBytesInFlight, "max-images": c.MaxImages, "max-texts": c.MaxTexts,
		"max-text-bytes": c.MaxTextBytes, "max-id-bytes": c.MaxIDBytes, "max-text-findings": c.MaxTextFindings, "workers": c.Workers,
		"queue-size": c.QueueSize, "max-conns": c.MaxConns,
	}
	for name, v := range pos {
		if v <= 0 {
			return fmt.Errorf("%w: %s must be positive, got %d", ErrInvalidConfig, name, v)
		}
	}
	if c.MaxDecodeMemory <= 0 {
		return fmt.Errorf("%w: max-decode-memory must be positive, got %d", ErrInvalidConfig, c.MaxDecodeMemory)
	}
	durs := map[string]time.Duration{
		"queue-timeout": c.QueueTimeout, "scan-timeout": c.ScanTimeout, "record-timeout": c.RecordTimeout,
		"read-timeout": c.ReadTimeout, "write-timeout": c.WriteTimeout, "idle-timeout": c.IdleTimeout,
		"shutdown-timeout": c.ShutdownTimeout, "retry-after": c.RetryAfter,
	}
	for name, v := range durs {
		if v <= 0 {
			return fmt.Errorf("%w: %s must be positive, got %s", ErrInvalidConfig, name, v)
		}
	}
	return nil
}
