# syntax=docker/dockerfile:1
# check=error=true;experimental=all
#
# qrgate container image: a static binary on distroless static, non-root.
# Build:  docker build --build-arg VERSION=$(git describe --always) -t qrgate .
# Run:    docker run -p 8080:8080 -p 9090:9090 -v qrgate-data:/var/lib/qrgate qrgate
# Probes: distroless has no shell or curl, so there is no HEALTHCHECK; probe
#         GET :9090/healthz (alive) and GET :9090/readyz (ready) from outside,
#         as deploy/kubernetes/deployment.yaml does (docs/operations.md).
# CI checks this file without a Docker engine: deploy/dockerfile_test.go runs
# BuildKit's parser and linter on it and runs its `go build` line verbatim.

# GO_VERSION must match the go directive in go.mod (checked in CI).
ARG GO_VERSION=1.26.8

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -buildvcs=false -ldflags="-s -w -X main.version=${VERSION}" -o /out/qrgate ./cmd/qrgate
# The data directory, created here because distroless has no mkdir.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/qrgate /usr/local/bin/qrgate
COPY --from=build --chown=65532:65532 /out/data /var/lib/qrgate
# Numeric user so that Kubernetes' runAsNonRoot can verify it.
USER 65532:65532
WORKDIR /var/lib/qrgate
VOLUME ["/var/lib/qrgate"]
# 8080: public scan API. 9090: admin (metrics, health, review API, /ui/).
EXPOSE 8080/tcp 9090/tcp
ENTRYPOINT ["/usr/local/bin/qrgate"]
CMD ["serve", "--listen", ":8080", "--admin-listen", ":9090", "--data-dir", "/var/lib/qrgate"]
