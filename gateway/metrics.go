package gateway

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// metrics are the gateway's Prometheus series. Every label value comes from a
// closed set (HTTP status, verdict, format, policy category, reason), never
// from a payload or an id.
type metrics struct {
	scans          *prometheus.CounterVec
	scanDuration   prometheus.Histogram
	images         *prometheus.CounterVec
	decodeDuration prometheus.Histogram
	findings       *prometheus.CounterVec
	requests       *prometheus.CounterVec
	inflight       prometheus.Gauge
	queueDepth     prometheus.Gauge
	rejected       *prometheus.CounterVec
	cacheHits      prometheus.Counter
	cacheMisses    prometheus.Counter
	policyInfo     *prometheus.GaugeVec
	policyReloads  *prometheus.CounterVec
	decoderPanics  prometheus.Counter
	// decodeMemoryRefused counts images needing more than the whole
	// decode memory budget (too_large).
	decodeMemoryRefused prometheus.Counter
	reviewsStored       prometheus.Counter
	reviewsUnstored     prometheus.Counter
	reviewErrors        prometheus.Counter
	authFailures        prometheus.Counter
	authThrottled       prometheus.Counter

	// codes caches the status-code children of requests: the hot path
	// should not format an integer and hash labels per request.
	codes map[int]prometheus.Counter
}

// Rejection reasons (qrgate_rejected_total{reason}).
const (
	reasonQueueFull    = "queue_full"
	reasonQueueTimeout = "queue_timeout"
	reasonShutdown     = "shutting_down"
	reasonStore        = "store_unavailable"
	reasonBodyBudget   = "body_bytes"
	reasonDecodeMemory = "decode_memory"
)

func newMetrics(reg prometheus.Registerer) *metrics {
	f := promauto.With(reg)
	latency := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	m := &metrics{
		scans: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_scans_total", Help: "Scans answered 200, by verdict.",
		}, []string{"verdict"}),
		scanDuration: f.NewHistogram(prometheus.HistogramOpts{
			Name: "qrgate_scan_duration_seconds", Help: "Time to scan one listing (texts and images), including queueing.", Buckets: latency,
		}),
		images: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_images_total", Help: "Images scanned, by sniffed format and outcome (codes, no_codes, error).",
		}, []string{"format", "outcome"}),
		decodeDuration: f.NewHistogram(prometheus.HistogramOpts{
			Name: "qrgate_image_decode_duration_seconds", Help: "Time to decode one image (cache misses only).", Buckets: latency,
		}),
		findings: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_findings_total", Help: "Findings, by source, policy category and action.",
		}, []string{"source", "category", "action"}),
		requests: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_requests_total", Help: "Public API requests, by HTTP status code.",
		}, []string{"code"}),
		inflight: f.NewGauge(prometheus.GaugeOpts{
			Name: "qrgate_inflight_scans", Help: "Scans in progress.",
		}),
		queueDepth: f.NewGauge(prometheus.GaugeOpts{
			Name: "qrgate_queue_depth", Help: "Requests waiting for a decode worker.",
		}),
		rejected: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_rejected_total", Help: "Requests refused with 503, by reason.",
		}, []string{"reason"}),
		cacheHits: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_cache_hits_total", Help: "Images whose decode result came from the content-hash cache.",
		}),
		cacheMisses: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_cache_misses_total", Help: "Images decoded because the content-hash cache did not hold them.",
		}),
		policyInfo: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: "qrgate_policy_info", Help: "The policy in force (value 1), by version.",
		}, []string{"version"}),
		policyReloads: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_policy_reloads_total", Help: "Policy reloads, by result (ok, error).",
		}, []string{"result"}),
		decoderPanics: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_decoder_panics_total", Help: "Panics contained inside a decode attempt.",
		}),
		decodeMemoryRefused: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_decode_memory_refused_total", Help: "Images refused (too_large) because decoding them needs more than the whole decode memory budget.",
		}),
		reviewsStored: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_reviews_stored_total", Help: "Flagged listings persisted to the review queue before answering.",
		}),
		reviewsUnstored: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_reviews_unstored_total", Help: "Flagged listings answered 200 without being stored (--store-fail-open).",
		}),
		reviewErrors: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_review_store_errors_total", Help: "Failures to persist a flagged listing.",
		}),
		authFailures: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_auth_failures_total", Help: "Public API requests refused for a missing or wrong API key (401).",
		}),
		authThrottled: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_auth_throttled_total", Help: "Public API requests refused with 429 because the client or the key failed too often.",
		}),
		codes: map[int]prometheus.Counter{},
	}
	for _, c := range []int{200, 400, 401, 404, 405, 413, 415, 429, 500, 503} {
		m.codes[c] = m.requests.WithLabelValues(strconv.Itoa(c))
	}
	for _, r := range []string{"ok", "error"} {
		m.policyReloads.WithLabelValues(r)
	}
	for _, r := range []string{reasonQueueFull, reasonQueueTimeout, reasonShutdown, reasonStore, reasonBodyBudget, reasonDecodeMemory} {
		m.rejected.WithLabelValues(r)
	}
	return m
}

func (m *metrics) request(code int) {
	if c, ok := m.codes[code]; ok {
		c.Inc()
		return
	}
	m.requests.WithLabelValues(strconv.Itoa(code)).Inc()
}
