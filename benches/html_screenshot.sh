#!/usr/bin/env bash
# Renders konform's HTML report in headless Chromium and saves a screenshot for review, and
# prints how long the page took to render. Inputs: the shipped X-Road vectors (a conformant
# request, two non-conformant ones and one with a warning), or N generated copies of them.
#
# Usage: benches/html_screenshot.sh [OUT.png] [N]
#   OUT.png  where to save the screenshot (default: target/html-report.png)
#   N        documents to generate (default: the 4 vectors as they are)
# Needs: chromium (apt-get install chromium). Uses target/debug/konform (builds it if missing;
# set KONFORM=path to use another binary).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/html-report.png}
n=${2:-0}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "chromium not found (apt-get install chromium)" >&2
  exit 2
fi
bin=${KONFORM:-target/debug/konform}
[ -x "$bin" ] || cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=test-vectors/xroad-soap/4.0.0
vectors=(request-conformant.xml request-client-missing-membercode.xml request-id-not-uuid.xml request-wrapper-mismatch.xml)
mkdir -p "$work/messages"
if [ "$n" -gt 0 ]; then
  for i in $(seq 1 "$n"); do
    v=${vectors[$((i % ${#vectors[@]}))]}
    sed "s/<xrd:id>[^<]*</<xrd:id>$(printf '%08x-0000-4000-8000-%012x' "$i" "$i")</" "$src/$v" \
      > "$work/messages/$(printf 'msg-%05d' "$i")-$v"
  done
else
  for v in "${vectors[@]}"; do cp "$src/$v" "$work/messages/"; done
fi
(cd "$work" && SOURCE_DATE_EPOCH=1700000000 "$OLDPWD/$bin" validate --report html=report.html \
  --format json messages >/dev/null) || true
mkdir -p "$(dirname "$out")"
case $out in /*) ;; *) out="$PWD/$out" ;; esac
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars)
start=$(date +%s.%N)
"$browser" "${flags[@]}" --user-data-dir="$work/profile" --window-size=1280,1600 \
  --screenshot="$out" "file://$work/report.html" 2>/dev/null
end=$(date +%s.%N)
dom=$("$browser" "${flags[@]}" --user-data-dir="$work/profile" --dump-dom \
  "file://$work/report.html" 2>/dev/null)
ms=$(sed -n 's/.*data-render-ms="\([0-9]*\)".*/\1/p' <<<"$dom" | head -1)
printf 'report: %s bytes, %s documents\n' "$(stat -c %s "$work/report.html")" "$(ls "$work/messages" | wc -l)"
printf 'screenshot: %s (browser start to screenshot %.2f s; page script %s ms)\n' \
  "$out" "$(awk "BEGIN{print $end - $start}")" "${ms:-?}"
