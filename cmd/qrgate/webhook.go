package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/qrgate/qrgate/review/store"
	"github.com/qrgate/qrgate/review/webhook"
)

// decisionWebhook is the optional decision webhook's deliverer (nil
// without --decision-webhook).
type decisionWebhook struct{ d *webhook.Deliverer }

// newWebhook builds the deliverer the flags ask for: the URL comes only
// from --decision-webhook, the secret from its file.
func newWebhook(f *serveFlags, st store.Store, log *slog.Logger, reg prometheus.Registerer) (decisionWebhook, error) {
	if f.webhookURL == "" {
		if f.webhookSecretFile != "" {
			return decisionWebhook{}, errors.New("--decision-webhook-secret-file without --decision-webhook")
		}
		return decisionWebhook{}, nil
	}
	if f.webhookSecretFile == "" {
		return decisionWebhook{}, errors.New("--decision-webhook needs --decision-webhook-secret-file: unsigned deliveries could be forged")
	}
	secret, err := os.ReadFile(f.webhookSecretFile)
	if err != nil {
		return decisionWebhook{}, fmt.Errorf("--decision-webhook-secret-file: %w", err)
	}
	d, err := webhook.New(st, webhook.Config{URL: f.webhookURL, Secret: bytes.TrimSpace(secret), Logger: log, Registerer: reg})
	if err != nil {
		return decisionWebhook{}, err
	}
	return decisionWebhook{d}, nil
}

func (h decisionWebhook) notify() {
	if h.d != nil {
		h.d.Notify()
	}
}

// start runs the deliverer until ctx ends; the channel closes when it has.
func (h decisionWebhook) start(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	if h.d == nil {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		h.d.Run(ctx)
	}()
	return done
}
