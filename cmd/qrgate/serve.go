package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/gateway"
	"github.com/qrgate/qrgate/internal/ratelog"
	"github.com/qrgate/qrgate/internal/throttle"
	"github.com/qrgate/qrgate/membudget"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review"
	"github.com/qrgate/qrgate/review/store"
)

const serveUsage = `Usage: qrgate serve [flags]

Runs the gateway: the public scan API on --listen and metrics, probes, policy
reload and the review service on --admin-listen. Every flag can also be set
by an environment variable QRGATE_<NAME> (e.g. QRGATE_ADMIN_LISTEN); a flag
on the command line wins. SIGHUP reloads the policy and API keys; SIGTERM
and SIGINT shut down gracefully.

Flags:
`

type serveFlags struct {
	listen, adminListen  string
	policyFile, dataDir  string
	store, moderators    string
	apiKeysFile          string
	storeFailOpen        bool
	policyWatch          time.Duration
	moderatorsWatch      time.Duration
	logLevel, logFormat  string
	gw                   gateway.Config
	maxPixels, maxFrames int
	maxImageWork         int
	imageBudget          decoder.Work
	memoryLimit          string
	decodeMemory         byteSize
	memoryLimitSet       int64  // the soft limit applied (0: the runtime's own)
	memoryLimitHow       string // how it was chosen, for the start-up log
	trustedProxies       string
	quotas               struct{ total, seller, noSeller, client, address byteSize }
	retainDecided        time.Duration
	webhookURL           string
	webhookSecretFile    string
	// registry is where every metric is registered; nil: a new one. Not a
	// flag: tests pass one that records what is registered.
	registry metricsRegistry
}

// metricsRegistry is what serve registers metrics with and /metrics reads.
type metricsRegistry interface {
	prometheus.Registerer
	prometheus.Gatherer
}

// Review store bounds on the embedded defaults: a laptop's disk, or a
// small volume, must not be filled by one seller or by an open API.
const (
	defaultStoreMaxBytes = 2 << 30
	defaultSellerQuota   = 64 << 20
	defaultNoSellerQuota = 16 << 20 // a quarter of a seller's: listings without one are the exception
	defaultClientQuota   = 512 << 20
	// An address costs an attacker little: on the open API one holds at
	// most 1/64 of the default total, so filling it takes 64 addresses
	// (IPv6 counted by /64).
	defaultAddressQuota  = 32 << 20
	defaultRetainDecided = 30 * 24 * time.Hour
)

func parseServeFlags(args []string, stderr io.Writer, getenv func(string) string) (*serveFlags, error) {
	f := &serveFlags{}
	fs := newServeFlagSet(f, stderr)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := applyEnv(fs, getenv); err != nil {
		return nil, err
	}
	f.gw.StoreFailOpen = f.storeFailOpen
	return f, nil
}

// newServeFlagSet defines every flag of qrgate serve on f, at its default
// (docs/api.md's flag table is checked against it: TestDocsFlagTable).
func newServeFlagSet(f *serveFlags, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("qrgate serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, serveUsage); fs.PrintDefaults() }
	c := &f.gw
	fs.StringVar(&f.listen, "listen", ":8080", "public API `address`")
	fs.StringVar(&f.adminListen, "admin-listen", "127.0.0.1:9090", "admin `address` (metrics, probes, policy reload, review API and pages)")
	fs.StringVar(&f.policyFile, "policy", "", "policy `FILE`, watched and reloaded on change (default: the built-in policy)")
	fs.StringVar(&f.dataDir, "data-dir", "./qrgate-data", "`DIR` for persisted data (the SQLite review store)")
	fs.StringVar(&f.store, "store", "", "review store `URL` (postgres://…); empty: SQLite in --data-dir")
	fs.StringVar(&f.moderators, "moderators-file", "", "`FILE` of moderators (\"name token\" per line)")
	fs.StringVar(&f.apiKeysFile, "api-keys-file", "", "`FILE` of API keys, one per line; empty: the public API is open")
	f.quotas.total, f.quotas.seller, f.quotas.noSeller = defaultStoreMaxBytes, defaultSellerQuota, defaultNoSellerQuota
	f.quotas.client, f.quotas.address = defaultClientQuota, defaultAddressQuota
	fs.Var(&f.quotas.total, "store-max-bytes", "`size` the review store keeps in all, images, texts and findings (e.g. 2GiB; 0: no limit); past it, flagged listings are queued without their images' bytes and with the first 64 KiB of their texts")
	fs.Var(&f.quotas.seller, "seller-quota", "`size` the review store keeps per seller_id within one client (0: no limit)")
	fs.Var(&f.quotas.noSeller, "no-seller-quota", "`size` the review store keeps per client for listings without a seller_id (0: no limit)")
	fs.Var(&f.quotas.client, "client-quota", "`size` the review store keeps per API key (0: no limit)")
	fs.Var(&f.quotas.address, "address-quota", "`size` the review store keeps per client address when the API is open (IPv6 by /64; 0: no limit)")
	fs.DurationVar(&f.retainDecided, "retain-decided", defaultRetainDecided, "how long a decided review item keeps its texts, findings and images (0: for ever)")
	fs.StringVar(&f.webhookURL, "decision-webhook", "", "`URL` the moderators' decisions are POSTed to, signed, in order, at least once (empty: none; GET /v1/decisions serves them either way)")
	fs.StringVar(&f.webhookSecretFile, "decision-webhook-secret-file", "", "`FILE` holding the secret that signs the decision webhook's deliveries (required with --decision-webhook)")
	fs.BoolVar(&f.storeFailOpen, "store-fail-open", false, "when the review store fails, answer 200 with \"review_stored\": false instead of 503")
	fs.DurationVar(&f.policyWatch, "policy-watch-interval", time.Second, "how often the policy file is checked for changes (0 disables)")
	fs.DurationVar(&f.moderatorsWatch, "moderators-watch-interval", time.Second, "how often the moderators file is checked for changes (0 disables; SIGHUP reloads it too)")
	fs.StringVar(&f.logLevel, "log-level", "info", "log `level`: debug, info, warn, error")
	fs.StringVar(&f.logFormat, "log-format", "json", "log `format`: json or text")
	sizeFlag(fs, &c.MaxBody, "max-body", gateway.DefaultMaxBody, "largest request body, in `bytes` or with a unit (32MiB) (413 above)")
	sizeFlag(fs, &c.MaxBodyBytesInFlight, "max-body-in-flight", gateway.DefaultMaxBodyInFlight, "request body `bytes` (or with a unit) buffered by all requests together (503 above)")
	fs.IntVar(&c.MaxImages, "max-images", gateway.DefaultMaxImages, "most images in one listing")
	fs.IntVar(&c.MaxTexts, "max-texts", gateway.DefaultMaxTexts, "most texts in one listing")
	sizeFlag(fs, &c.MaxTextBytes, "max-text-bytes", gateway.DefaultMaxTextBytes, "largest text, in `bytes` or with a unit (413 above)")
	fs.IntVar(&c.MaxTextFindings, "max-text-findings", policy.DefaultMaxTextFindings, "findings one text lists; past it, the most severe are kept and one too_many_findings finding counts the rest")
	fs.IntVar(&f.maxPixels, "max-pixels", decoder.DefaultMaxPixels, "images declaring more pixels are refused (too_large)")
	fs.IntVar(&f.maxFrames, "max-frames", decoder.DefaultMaxFrames, "animated GIFs with more frames are refused (too_many_frames)")
	fs.IntVar(&f.maxImageWork, "max-image-work", decoder.DefaultMaxWork, "images whose headers show more decoding work, in megapixel-passes (pixels × scans of a progressive JPEG, × bytes per pixel of a PNG, × frames of a GIF), are refused (too_complex)")
	f.imageBudget = decoder.DefaultBudget
	fs.Var(&f.imageBudget, "image-budget", "work budget of one image's strategies, in megapixel-passes (a plain `number`; 1 MPass = a million pixels of pyramid levels scanned, reader calls charged their equivalent; not a time, so the same image is cut at the same point whatever the load); an image cut short has error timeout and partial: true")
	fs.IntVar(&c.Workers, "workers", 0, "concurrent decodes (default GOMAXPROCS)")
	fs.StringVar(&f.memoryLimit, "memory-limit", "auto", "soft heap `limit` for the Go GC: auto (64 MiB + 96 MiB per worker, within 90% of a container's limit; GOMEMLIMIT wins), off, or a size such as 512MiB")
	fs.Var(&f.decodeMemory, "max-decode-memory", "decode memory budget `size` (e.g. 192MiB): each image reserves what its headers say its decode holds before it is decoded; one needing more than all of it is too_large, and listings that cannot get their bytes within --queue-timeout get 503 (default: 3/4 of the memory limit, or 128MiB per worker without one)")
	fs.IntVar(&c.QueueSize, "queue-size", gateway.DefaultQueueSize, "requests that may wait for a decode worker (503 above)")
	fs.DurationVar(&c.QueueTimeout, "queue-timeout", gateway.DefaultQueueTimeout, "longest wait for a decode worker (503 when it would be exceeded)")
	fs.DurationVar(&c.ScanTimeout, "scan-timeout", gateway.DefaultScanTimeout, "wall-clock deadline of one request's scan, the outer guard around --image-budget; an image cut short has error timeout and partial: true (and is not cached)")
	fs.DurationVar(&c.RecordTimeout, "record-timeout", gateway.DefaultRecordTimeout, "deadline for persisting a flagged listing")
	fs.IntVar(&c.CacheEntries, "cache-entries", gateway.DefaultCacheEntries, "decode results cached by content hash (negative disables)")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", gateway.DefaultReadTimeout, "time to read a whole request")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", gateway.DefaultWriteTimeout, "time to write a response")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", gateway.DefaultIdleTimeout, "keep-alive idle time")
	fs.IntVar(&c.MaxConns, "max-conns", gateway.DefaultMaxConns, "concurrent connections served")
	fs.DurationVar(&c.RetryAfter, "retry-after", gateway.DefaultRetryAfter, "Retry-After sent with 503s, on both listeners")
	fs.StringVar(&f.trustedProxies, "trusted-proxies", "", "comma-separated `addresses or CIDRs` of load balancers whose X-Forwarded-For names the client (for throttling failed tokens); empty: the header is ignored")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", gateway.DefaultShutdownTimeout, "time in-flight requests get to finish on shutdown")
	return fs
}

// applyEnv sets every flag not given on the command line from
// QRGATE_<NAME> (upper case, dashes as underscores).
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env := "QRGATE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v := getenv(env)
		if given[f.Name] || v == "" || err != nil {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			err = fmt.Errorf("%s=%q: %w", env, v, e)
		}
	})
	return err
}

// newLogger builds the process's logger. Every line goes through ratelog:
// a fault that fails every request (a read-only disk, a flood of wrong
// tokens) logs a few lines per message and a count of the rest, not one
// line per request. Flush the returned handler before exiting.
func newLogger(w io.Writer, level, format string) (*slog.Logger, *ratelog.Handler, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	switch format {
	case "json":
		h = slog.NewJSONHandler(w, opts)
	case "text":
		h = slog.NewTextHandler(w, opts)
	default:
		return nil, nil, fmt.Errorf("--log-format must be json or text, got %q", format)
	}
	rl := ratelog.New(h, ratelog.Options{})
	return slog.New(rl), rl, nil
}

func runServe(args []string, stdout, stderr io.Writer) int {
	f, err := parseServeFlags(args, stderr, os.Getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(stderr, "qrgate serve:", err)
		return exitUsage
	}
	workers := f.gw.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	f.memoryLimitSet, f.memoryLimitHow, err = memoryLimit(f.memoryLimit, workers, os.Getenv, memlimit.FromCgroup)
	if err != nil {
		fmt.Fprintln(stderr, "qrgate serve:", err)
		return exitUsage
	}
	if f.memoryLimitSet > 0 {
		debug.SetMemoryLimit(f.memoryLimitSet)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	if err := serve(ctx, f, stderr, hup, nil); err != nil {
		fmt.Fprintln(stderr, "qrgate serve:", err)
		return exitFatal
	}
	return exitOK
}

// serve builds everything and runs until ctx ends. started, if set, is
// told the listeners' addresses once they accept.
func serve(ctx context.Context, f *serveFlags, logw io.Writer, hup <-chan os.Signal, started func(public, admin net.Addr)) error {
	begin := time.Now()
	log, logLimiter, err := newLogger(logw, f.logLevel, f.logFormat)
	if err != nil {
		return err
	}
	defer logLimiter.Flush(context.Background()) //nolint:errcheck // nowhere left to report it
	reg := f.registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	pol, err := policy.NewHolder(f.policyFile)
	if err != nil {
		return err
	}
	keys, err := gateway.LoadAPIKeys(f.apiKeysFile)
	if err != nil {
		return err
	}
	proxies, err := throttle.ParseProxies(f.trustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	// One limiter per listener: a client guessing API keys on the public
	// listener must not lock moderators behind the same address out of
	// the admin one (and the admin listener is usually not public at all).
	pubGuard, adminGuard := throttle.New(throttle.Config{}), throttle.New(throttle.Config{})
	quotas := store.Quotas{
		TotalBytes: int64(f.quotas.total), SellerBytes: int64(f.quotas.seller), NoSellerBytes: int64(f.quotas.noSeller),
		ClientBytes: int64(f.quotas.client), AddressBytes: int64(f.quotas.address),
	}
	workers := f.gw.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// One decode memory budget for every decode of the process: the scans'
	// and the moderators' thumbnails.
	f.gw.MaxDecodeMemory = decodeMemory(int64(f.decodeMemory), debug.SetMemoryLimit(-1), workers)
	decodeBudget := membudget.New(f.gw.MaxDecodeMemory)
	dataDir := describeDataDir(f)
	st, err := openStore(ctx, f.store, f.dataDir, time.Now, quotas)
	if err != nil {
		return fmt.Errorf("review store: %w", err)
	}
	hook, err := newWebhook(f, st, log, reg)
	if err != nil {
		st.Close()
		return err
	}
	svc, err := review.Open(ctx, review.Options{
		Store: st, DataDir: f.dataDir, ModeratorsFile: f.moderators,
		Logger: log, Registerer: reg, Now: time.Now,
		RetryAfter: f.gw.RetryAfter, Throttle: adminGuard, TrustedProxies: proxies,
		Quotas: quotas, RetainDecided: f.retainDecided, OnDecision: hook.notify,
		Policy: pol.Get, // the queue's category filter follows reloads
		// Thumbnails obey the scan's header limits.
		ImageLimits:  decoder.New(decoder.Config{MaxPixels: f.maxPixels, MaxFrames: f.maxFrames, MaxWork: f.maxImageWork}).Limits(),
		DecodeMemory: decodeBudget,
	})
	if err != nil {
		st.Close()
		return fmt.Errorf("review store: %w", err)
	}
	defer svc.Close()
	hookCtx, stopHook := context.WithCancel(context.Background())
	hookDone := hook.start(hookCtx)
	// Stopped before the store closes (the deferred svc.Close runs after).
	defer func() { stopHook(); <-hookDone }()

	gw, err := gateway.New(gateway.Options{
		Config: f.gw, DecodeMemory: decodeBudget,
		Decoder: decoder.Config{MaxPixels: f.maxPixels, MaxFrames: f.maxFrames, MaxWork: f.maxImageWork, Budget: f.imageBudget},
		Policy:  pol, APIKeys: keys, Recorder: svc.Recorder(), Decisions: st,
		Admin: svc.AdminHandler, Authenticate: svc.Authenticate, Throttle: pubGuard, TrustedProxies: proxies,
		Logger: log, Registerer: reg, Gatherer: reg, Now: time.Now,
	})
	if err != nil {
		return err
	}
	pubLn, err := net.Listen("tcp", f.listen)
	if err != nil {
		return err
	}
	adminLn, err := net.Listen("tcp", f.adminListen)
	if err != nil {
		pubLn.Close()
		return err
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			gw.ReloadPolicy("SIGHUP")
			// Logged and counted by the review service; the generated
			// token has no file to read again.
			svc.ReloadModerators() //nolint:errcheck
			if err := keys.Reload(); err != nil {
				log.Error("api keys reload refused; keeping the keys in force", "err", err)
			}
		}
	}()
	if f.policyWatch > 0 {
		go pol.Watch(ctx, f.policyWatch, log)
	}
	if f.moderatorsWatch > 0 {
		go svc.WatchModerators(ctx, f.moderatorsWatch)
	}
	log.Info("qrgate serving", "listen", pubLn.Addr().String(), "admin_listen", adminLn.Addr().String(),
		"policy_version", pol.Get().Version(), "policy_file", f.policyFile, "api_keys", keys != nil,
		"store_fail_open", f.storeFailOpen, "store_max_bytes", int64(f.quotas.total), "seller_quota_bytes", int64(f.quotas.seller),
		"client_quota_bytes", int64(f.quotas.client), "address_quota_bytes", int64(f.quotas.address), "no_seller_quota_bytes", int64(f.quotas.noSeller), "retain_decided", f.retainDecided.String(), "memory_limit_bytes", debug.SetMemoryLimit(-1), "memory_limit_from", f.memoryLimitHow,
		"decode_memory_bytes", f.gw.MaxDecodeMemory, "decision_webhook", f.webhookURL != "",
		"startup_ms", time.Since(begin).Milliseconds())
	dataDir.log(log)
	if keys == nil {
		log.Warn("THE PUBLIC API IS OPEN: no --api-keys-file, so anyone who can reach --listen may scan listings "+
			"and fill the review store; set --api-keys-file for any address others can reach",
			"listen", pubLn.Addr().String(), "api_keys", false)
	}
	if started != nil {
		started(pubLn.Addr(), adminLn.Addr())
	}
	err = gw.Run(ctx, pubLn, adminLn)
	log.Info("qrgate stopped", "err", err)
	return err
}

// dataDirInfo is where this start keeps its data, for the start-up log.
type dataDirInfo struct {
	used        bool   // the SQLite store or the generated token lives there
	abs, rel    string // the directory, absolute and as given
	fresh       bool   // it did not exist before this start
	tokenFile   string // the generated moderator token's file ("" with --moderators-file)
	workingDir  string
	relativeArg bool
}

// describeDataDir looks at --data-dir before anything creates it: a
// relative data dir started from another directory is a new, empty one (a
// new token, an empty queue), which the log must say at once.
func describeDataDir(f *serveFlags) dataDirInfo {
	d := dataDirInfo{rel: f.dataDir, abs: f.dataDir, relativeArg: !filepath.IsAbs(f.dataDir)}
	d.used = f.dataDir != "" && (f.store == "" || f.store == "sqlite" || f.moderators == "")
	if !d.used {
		return d
	}
	if a, err := filepath.Abs(f.dataDir); err == nil {
		d.abs = a
	}
	d.workingDir, _ = os.Getwd()
	_, err := os.Stat(f.dataDir)
	d.fresh = errors.Is(err, fs.ErrNotExist)
	if f.moderators == "" {
		d.tokenFile = filepath.Join(d.abs, review.TokenFileName)
	}
	return d
}

// log says, at every start, where the data and the moderator token are,
// and warns when a relative data dir was just created.
func (d dataDirInfo) log(log *slog.Logger) {
	if !d.used {
		return
	}
	attrs := []any{"data_dir", d.abs}
	if d.tokenFile != "" {
		attrs = append(attrs, "moderator_token_file", d.tokenFile)
	}
	log.Info("qrgate data", attrs...)
	if d.fresh && d.relativeArg {
		log.Warn("created a new, empty data directory relative to the working directory (a new moderator token, an empty review queue); "+
			"if qrgate ran before from another directory, its data is there: start from that directory or give --data-dir an absolute path",
			"data_dir", d.rel, "data_dir_abs", d.abs, "working_dir", d.workingDir)
	}
}
