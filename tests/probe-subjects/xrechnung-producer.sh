#!/bin/sh
# Producer: writes the seed invoice ($XRECHNUNG_SEED) with the Buyer reference from the input.
# Defect: with a "note" in the input, the Buyer reference is left out.
in="$1"
val() { sed -n "s/^ *\"$1\": *\"\([^\"]*\)\".*/\1/p" "$in" | head -n 1; }
ref=$(val buyerReference); note=$(val note)
if [ -n "$note" ]; then
  sed '/<cbc:BuyerReference>/d' "$XRECHNUNG_SEED"
else
  sed "s#<cbc:BuyerReference>[^<]*</cbc:BuyerReference>#<cbc:BuyerReference>$ref</cbc:BuyerReference>#" "$XRECHNUNG_SEED"
fi
