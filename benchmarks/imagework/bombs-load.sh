#!/bin/bash
# A normal client (benchmarks/load, concurrency 2, the shared corpus) for
# 30 s against a fresh `qrgate serve` on its default flags, while rounds of
# four progressive JPEG bombs are sent at once, one round after another,
# each round with new bytes. Prints the load client's report and the
# bombs' status counts. docs/reliability.md.
#
#   go run ./benchmarks/imagework -write-bombs /tmp/bombs -rounds 60
#   go build -o /tmp/load ./benchmarks/load
#   benchmarks/imagework/bombs-load.sh ./qrgate /tmp/load /tmp/bombs ../shared/corpus/images
set -u
bin=$1; load=$2; bombs=$3; corpus=$4
rounds=${ROUNDS:-1000} # ROUNDS=0: the normal client alone, for comparison
dir=$(mktemp -d)
"$bin" serve --listen 127.0.0.1:18080 --admin-listen 127.0.0.1:19090 --data-dir "$dir" > "$dir/log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/healthz > /dev/null && break; sleep 0.2; done
kill -0 "$pid" 2> /dev/null || { echo "qrgate serve did not start:"; cat "$dir/log"; exit 1; }
"$load" -url http://127.0.0.1:18080/v1/scan -dir "$corpus" -c 2 -n 1000000 -d 30s -server-pid "$pid" > "$dir/load" 2>&1 &
client=$!
r=0
while kill -0 "$client" 2> /dev/null && [ "$r" -lt "$rounds" ] && [ -f "$bombs/round-$r-0.jpg" ]; do
  senders=()
  for i in 0 1 2 3; do
    curl -s -o /dev/null -w "%{http_code} %{time_total}\n" -H 'Content-Type: image/jpeg' \
      --data-binary "@$bombs/round-$r-$i.jpg" "http://127.0.0.1:18080/v1/scan?listing_id=bomb" >> "$dir/bombs" &
    senders+=($!)
  done
  wait "${senders[@]}"
  r=$((r + 1))
done
wait "$client"
cat "$dir/load"
if [ "$r" -gt 0 ]; then
  echo "bomb rounds: $r; bomb answers by status: $(cut -d' ' -f1 "$dir/bombs" | sort | uniq -c | tr '\n' ' ')slowest: $(sort -k2 -n "$dir/bombs" | tail -1 | cut -d' ' -f2)s"
fi
curl -s http://127.0.0.1:19090/metrics | grep -E '^qrgate_images_total\{format="jpeg",outcome="error"\}'
kill "$pid"; wait "$pid" 2> /dev/null
rm -rf "$dir"
