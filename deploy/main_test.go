// Package deploy holds the checks of qrgate's deployment artefacts — the
// Dockerfile, the Kubernetes manifests, the Grafana dashboard and the
// Prometheus alerts — in a module of its own, so BuildKit, the Kubernetes
// API types and the Prometheus libraries stay out of the product's go.mod.
package deploy

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if qrgateBuild.path != "" {
		os.RemoveAll(filepath.Dir(qrgateBuild.path))
	}
	os.Exit(code)
}
