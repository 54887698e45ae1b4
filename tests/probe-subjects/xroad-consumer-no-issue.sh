#!/bin/sh
# Defect: treats the optional xrd:issue header as unknown and rejects the message.
grep -q '<xrd:issue' "$1" && exit 1
exec "$KONFORM_BIN" validate --standard xroad-soap@4.0.0 --format json "$1" >/dev/null 2>&1
