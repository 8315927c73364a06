// Package gateway is qrgate's HTTP service: the public scan API (POST
// /v1/scan) and the admin listener (metrics, health, policy reload, and the
// review service's API and pages).
//
// It owns everything between a socket and the scan core: request parsing and
// limits, API keys, a bounded decode pool with a queue that says no, a
// content-hash cache of decode results, the policy holder that reloads
// atomically, persisting flagged listings before answering, and the
// Prometheus metrics. Nothing here is global: the registry, logger, clock
// and review recorder are injected.
package gateway
