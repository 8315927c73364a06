package gateway

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/qrgate/qrgate/policy"
	"github.com/valyala/fasthttp"
)

// BenchmarkTextListing is the server's own CPU for one text-only listing
// that needs no review, from the parsed request to the written answer,
// without the network (benchmarks/load measures it over loopback). The
// contract's target for such requests is 0.05 ms of server CPU.
func BenchmarkTextListing(b *testing.B) {
	for _, tc := range []struct{ name, body string }{
		{"zh", `{"listing_id":"L1","seller_id":"S1","texts":["全新蓝牙耳机，型号 X3，续航30小时，原装盒子和数据线都在，同城可自提，快递默认中通，不议价，拍前请看清描述，售出不退不换。"]}`},
		{"en", `{"listing_id":"L1","seller_id":"S1","texts":["Wireless headphones, model X3, barely used. Noise cancelling, 30h battery, original box and cable. Pick-up or shipping within the country, price firm."]}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			pol, err := policy.NewHolder("")
			if err != nil {
				b.Fatal(err)
			}
			reg := prometheus.NewRegistry()
			g, err := New(Options{
				Config:     Config{Workers: 2, QueueSize: 4, QueueTimeout: 5 * time.Second, ScanTimeout: 10 * time.Second, ShutdownTimeout: time.Second},
				Policy:     pol,
				Recorder:   &fakeRecorder{},
				Logger:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
				Registerer: reg,
				Gatherer:   reg,
			})
			if err != nil {
				b.Fatal(err)
			}
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.Header.SetMethod("POST")
				ctx.Request.SetRequestURI("/v1/scan")
				ctx.Request.Header.SetContentType("application/json")
				ctx.Request.SetBodyString(tc.body)
				g.handlePublic(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
				}
			}
		})
	}
}
