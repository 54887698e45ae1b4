#!/bin/sh
# Defect: rejects invoices carrying the optional invoice note (BT-22).
grep -q '<cbc:Note' "$1" && exit 1
exit 0
