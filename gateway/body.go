package gateway

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/internal/apierror"
)

// Request bodies are read by the handler from fasthttp's stream, not
// buffered by fasthttp up front: fasthttp sizes its buffer from the
// declared Content-Length before a byte arrives, so a thousand slow clients
// each declaring a large body would exhaust memory while sending nothing.
// Here a connection holds only what it has actually sent, and all bodies
// together hold at most Config.MaxBodyBytesInFlight; past that, new bytes
// are refused with 503 (load shed), never an out-of-memory kill.

// bodyBudget counts the body bytes buffered across all requests.
type bodyBudget struct {
	used atomic.Int64
	max  int64
}

func (b *bodyBudget) take(n int64) bool {
	if b.used.Add(n) > b.max {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *bodyBudget) give(n int64) { b.used.Add(-n) }

const bodyChunk = 64 << 10

// readBody returns the request body, read within the size limit and the
// in-flight budget. release gives the body's bytes back to the budget once
// the request no longer needs them.
func (g *Gateway) readBody(ctx *fasthttp.RequestCtx) (body []byte, release func(), err error) {
	max := g.cfg.MaxBody
	if cl := ctx.Request.Header.ContentLength(); cl > max {
		return nil, nil, apierror.TooLarge(apierror.CodeBodyTooLarge, "body of %d bytes is over the limit of %d", cl, max)
	}
	r := ctx.RequestBodyStream()
	if r == nil { // not streamed (the whole body was already read)
		b := ctx.PostBody()
		if len(b) > max {
			return nil, nil, apierror.TooLarge(apierror.CodeBodyTooLarge, "body is over the limit of %d bytes", max)
		}
		return b, func() {}, nil
	}
	var held int64
	release = func() { g.body.give(held); held = 0 }
	grow := func(want int) bool {
		n := int64(want - cap(body))
		if n <= 0 {
			return true
		}
		if !g.body.take(n) {
			return false
		}
		held += n
		nb := make([]byte, len(body), want)
		copy(nb, body)
		body = nb
		return true
	}
	first := bodyChunk
	if cl := ctx.Request.Header.ContentLength(); cl >= 0 {
		first = min(cl+1, bodyChunk) // +1: to see the end without growing
	}
	if !grow(first) {
		return nil, nil, g.overBudget()
	}
	for {
		if len(body) == cap(body) {
			if len(body) > max {
				release()
				return nil, nil, apierror.TooLarge(apierror.CodeBodyTooLarge, "body is over the limit of %d bytes", max)
			}
			if !grow(min(max+1, 2*cap(body))) {
				release()
				return nil, nil, g.overBudget()
			}
		}
		n, err := r.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		if len(body) > max {
			release()
			return nil, nil, apierror.TooLarge(apierror.CodeBodyTooLarge, "body is over the limit of %d bytes", max)
		}
		if errors.Is(err, io.EOF) {
			return body, release, nil
		}
		if err != nil {
			release()
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil, nil, &apierror.Error{Status: http.StatusRequestTimeout, Code: apierror.CodeRequestTimeout, Message: "the request body did not arrive in time", Err: err}
			}
			return nil, nil, apierror.BadRequest(apierror.CodeBadRequest, "reading the request body: %v", err)
		}
	}
}

func (g *Gateway) overBudget() error {
	g.m.rejected.WithLabelValues(reasonBodyBudget).Inc()
	return apierror.Unavailable(apierror.CodeOverloaded, "too many request bytes in flight; retry later", g.cfg.RetryAfter, nil)
}
