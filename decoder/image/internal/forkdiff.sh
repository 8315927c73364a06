#!/usr/bin/env bash
# forkdiff.sh checks that the forked decoders in this directory (jpeg, webp)
# still derive from the upstream recorded in their UPSTREAM.md: it diffs each
# forked file against that upstream version and compares the result with the
# fork's recorded patch (jpeg/upstream.diff, webp/upstream.diff). It fails
# when the recorded base is wrong (the diff changes) or when a fork was edited
# without its patch being regenerated, so the patch is always the complete
# list of what qrgate changed.
#
#   decoder/image/internal/forkdiff.sh            check (run by .ci/run)
#   decoder/image/internal/forkdiff.sh -update    rewrite the recorded patches
#   decoder/image/internal/forkdiff.sh -rebase jpeg go1.27.0
#   decoder/image/internal/forkdiff.sh -rebase webp v0.48.0
#       three-way merge upstream's changes between the recorded base and the
#       new version into the fork (git merge-file), then record the new base
#       in UPSTREAM.md; resolve any conflict markers, run the tests, -update.
#
# The upstream sources come from the Go toolchain (GOROOT when its version is
# the recorded one, else golang.org/toolchain from the module proxy) and from
# golang.org/x/image through `go mod download`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# files FORK prints "forkfile upstreamfile" pairs, relative to the fork's
# directory and to the upstream package's directory.
files() {
  case $1 in
  jpeg) printf '%s\n' "reader.go reader.go" "scan.go scan.go" "huffman.go huffman.go" "idct.go dct.go" ;;
  webp)
    for f in decode filter idct partition pred predfunc quant reconstruct token; do
      echo "vp8/$f.go vp8/$f.go"
    done
    for f in decode huffman transform; do
      echo "vp8l/$f.go vp8l/$f.go"
    done
    echo "webp.go webp/decode.go" ;;
  esac
}

# base FORK prints the version recorded on the "Base:" line of UPSTREAM.md.
base() { sed -n 's/^Base: `\([^`]*\)`.*/\1/p' "$here/$1/UPSTREAM.md"; }

# upstream FORK VERSION prints the directory holding upstream's sources.
upstream() {
  case $1 in
  jpeg)
    if [ "$(go env GOVERSION)" = "$2" ]; then
      echo "$(go env GOROOT)/src/image/jpeg"
    else
      dir=$(go mod download -json "golang.org/toolchain@v0.0.1-$2.$(go env GOOS)-$(go env GOARCH)" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
      echo "$dir/src/image/jpeg"
    fi ;;
  webp)
    go mod download -json "golang.org/x/image@$2" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' ;;
  esac
}

# patch FORK VERSION prints the diff from upstream VERSION to the fork.
patch() {
  local up
  up=$(upstream "$1" "$2")
  [ -d "$up" ] || { echo "forkdiff: no upstream sources for $1 $2" >&2; exit 1; }
  files "$1" | while read -r mine theirs; do
    diff -u --label "upstream/$theirs" --label "$1/$mine" "$up/$theirs" "$here/$1/$mine" || true
  done
}

case ${1:-} in
-update)
  for fork in jpeg webp; do patch $fork "$(base $fork)" >"$here/$fork/upstream.diff"; done ;;
-rebase)
  fork=$2 new=$3
  old_dir=$(upstream "$fork" "$(base "$fork")") new_dir=$(upstream "$fork" "$new")
  files "$fork" | while read -r mine theirs; do
    git merge-file -L qrgate -L "$(base "$fork")" -L "$new" "$here/$fork/$mine" "$old_dir/$theirs" "$new_dir/$theirs" ||
      echo "forkdiff: conflicts in $fork/$mine"
  done
  sed -i "s/^Base: \`[^\`]*\`/Base: \`$new\`/" "$here/$fork/UPSTREAM.md" ;;
'')
  status=0
  for fork in jpeg webp; do
    b=$(base $fork)
    [ -n "$b" ] || { echo "forkdiff: $fork/UPSTREAM.md has no Base: line"; status=1; continue; }
    if ! patch $fork "$b" | diff -u "$here/$fork/upstream.diff" - >/dev/null; then
      echo "forkdiff: $fork differs from $b plus $fork/upstream.diff: the recorded base is wrong, or the fork changed without 'forkdiff.sh -update'"
      status=1
    else
      echo "forkdiff: $fork = $b + $fork/upstream.diff ($(grep -c '^[-+][^-+]' "$here/$fork/upstream.diff") changed lines)"
    fi
  done
  exit $status ;;
*) echo "usage: $0 [-update | -rebase jpeg|webp VERSION]" >&2; exit 2 ;;
esac
