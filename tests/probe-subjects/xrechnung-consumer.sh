#!/bin/sh
# Consumer checking BR-DE-15: an invoice needs a non-empty Buyer reference (BT-10).
grep -q '<cbc:BuyerReference>[^<[:space:]]' "$1"
