#!/bin/sh
# Correct consumer: accepts exactly the messages konform judges conformant.
exec "$KONFORM_BIN" validate --standard xroad-soap@4.0.0 --format json "$1" >/dev/null 2>&1
