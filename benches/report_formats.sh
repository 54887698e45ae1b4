#!/usr/bin/env bash
# Size and time of every report format for a large run: N copies (default 10,000) of the
# xroad-soap@4.0.0 XML vectors (requests, responses, faults; one is not SOAP 1.1 and cannot be
# evaluated) with varied message ids; one `konform validate --report FMT=PATH` per format, best
# of 3 wall-clock times, against the baseline of the validation alone (`--format json` to
# /dev/null, which every timed run also does).
#
# Usage: benches/report_formats.sh [N]     (builds target/release/konform; KONFORM=path overrides)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
bin=${KONFORM:-target/release/konform}
if [ -z "${KONFORM:-}" ]; then cargo build --release --quiet; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=test-vectors/xroad-soap/4.0.0
mapfile -t vectors < <(cd "$src" && ls *.xml)
mkdir -p "$work/docs"
for i in $(seq 1 "$N"); do
  v=${vectors[$((i % ${#vectors[@]}))]}
  id=$(printf '%08x-0000-4000-8000-%012x' "$i" "$i")
  sed "s/<xrd:id>[^<]*</<xrd:id>$id</" "$src/$v" > "$work/docs/$(printf 'm%05d' "$i")-$v"
done
echo "$N documents from ${#vectors[@]} vectors in $work/docs"
case $bin in /*) ;; *) bin="$PWD/$bin" ;; esac
cd "$work"   # relative document names, as in a CI checkout
export SOURCE_DATE_EPOCH=1700000000
best() { # command... -> best wall seconds of 3
  local b=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>/dev/null || true
    read -r s kb < <(tail -n 1 "$work/t")
    if [ -z "$b" ] || awk "BEGIN{exit !($s < $b)}"; then b=$s; mem=$kb; fi
  done
  echo "$b $mem"
}
read -r base basemem < <(best "$bin" validate --format json docs)
printf '%-12s %12s %9s %9s %10s\n' format bytes seconds "+seconds" "peak MiB"
printf '%-12s %12s %9s %9s %10s\n' "(none)" - "$base" - "$((basemem / 1024))"
for f in json junit sarif gitlab earl earl-jsonld markdown html human; do
  read -r s kb < <(best "$bin" validate --format json --report "$f=$work/out.$f" docs)
  size=$(stat -c %s "$work/out.$f")
  printf '%-12s %12s %9s %9s %10s\n' "$f" "$size" "$s" "$(awk "BEGIN{printf \"%.2f\", $s - $base}")" "$((kb / 1024))"
done
if command -v gzip >/dev/null; then
  echo "sarif gzipped: $(gzip -c "$work/out.sarif" | wc -c) bytes"
fi
[ -n "${KEEP:-}" ] && cp "$work/out.html" "$KEEP" && echo "html kept at $KEEP"
exit 0
