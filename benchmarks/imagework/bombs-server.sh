#!/bin/bash
# Four 16-bit PNG bombs at once to a fresh `qrgate serve` on its default
# flags (plus any given): each answer's status and time, and the server's
# idle and peak RSS (VmRSS, VmHWM) and CPU seconds. docs/reliability.md.
#
#   go run ./benchmarks/imagework -write-bombs /tmp/bombs
#   benchmarks/imagework/bombs-server.sh ./qrgate /tmp/bombs [serve flags…]
set -u
bin=$1; bombs=$2; shift 2
dir=$(mktemp -d)
"$bin" serve --listen 127.0.0.1:18080 --admin-listen 127.0.0.1:19090 --data-dir "$dir" "$@" > "$dir/log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/healthz > /dev/null && break; sleep 0.2; done
idle=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
clients=()
for i in 0 1 2 3; do
  curl -s -o "$dir/out$i" -w "%{http_code} %{time_total}s" -H 'Content-Type: image/png' \
    --data-binary "@$bombs/png16-$i.png" "http://127.0.0.1:18080/v1/scan?listing_id=bomb$i" > "$dir/code$i" &
  clients+=($!)
done
wait "${clients[@]}"
echo "idle_rss_kib=$idle peak_rss_kib=$(awk '/VmHWM/ {print $2}' /proc/$pid/status) server_cpu_s=$(awk '{print ($14+$15)/100}' /proc/$pid/stat)"
for i in 0 1 2 3; do
  echo "png16-$i: $(cat "$dir/code$i") $(grep -o '"verdict":"[a-z]*"\|"code":"[a-z_]*"' "$dir/out$i" | tr '\n' ' ')"
done
kill "$pid"; wait "$pid" 2> /dev/null
rm -rf "$dir"
