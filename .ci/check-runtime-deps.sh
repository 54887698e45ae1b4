#!/bin/sh
# Fails unless a Linux binary's dynamic dependencies (its DT_NEEDED entries) are only the C
# runtime: libc, libm, libgcc_s and the dynamic loader. Prints them, and the binary's size.
#
# usage: .ci/check-runtime-deps.sh target/release/konform
set -eu
bin=${1:?usage: .ci/check-runtime-deps.sh BINARY}
[ -f "$bin" ] || { echo "$bin: no such file (build it first)" >&2; exit 1; }
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$bin ($(wc -c <"$bin") bytes) needs: $(echo "$needed" | tr '\n' ' ')"
bad=0
for lib in $needed; do
  case "$lib" in
    libc.so.* | libm.so.* | libgcc_s.so.* | ld-linux*.so.*) ;;
    *) echo "not allowed at run time: $lib" >&2; bad=1 ;;
  esac
done
exit $bad
