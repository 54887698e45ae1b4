#!/bin/sh
# Defect: with a userId in the input, the client header lists memberCode before memberClass.
WRONG_ORDER=1 exec sh "$(dirname "$0")/xroad-producer.sh" "$1"
