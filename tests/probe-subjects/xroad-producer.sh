#!/bin/sh
# Producer: turns a JSON input (memberCode, serviceCode, optional userId and issue) into an
# X-Road request on standard output.
in="$1"
val() { sed -n "s/^ *\"$1\": *\"\([^\"]*\)\".*/\1/p" "$in" | head -n 1; }
member=$(val memberCode); service=$(val serviceCode); user=$(val userId); issue=$(val issue)
id=$(cat /proc/sys/kernel/random/uuid)
client_ids="<iden:xRoadInstance>EE</iden:xRoadInstance><iden:memberClass>GOV</iden:memberClass><iden:memberCode>$member</iden:memberCode>"
if [ -n "$user" ] && [ -n "$WRONG_ORDER" ]; then
  client_ids="<iden:xRoadInstance>EE</iden:xRoadInstance><iden:memberCode>$member</iden:memberCode><iden:memberClass>GOV</iden:memberClass>"
fi
printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>'
printf '%s' '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xrd="http://x-road.eu/xsd/xroad.xsd" xmlns:iden="http://x-road.eu/xsd/identifiers" xmlns:prod="http://producer.x-road.eu"><soap:Header>'
printf '<xrd:client iden:objectType="MEMBER">%s</xrd:client>' "$client_ids"
printf '<xrd:service iden:objectType="SERVICE"><iden:xRoadInstance>EE</iden:xRoadInstance><iden:memberClass>GOV</iden:memberClass><iden:memberCode>PROVIDER</iden:memberCode><iden:serviceCode>%s</iden:serviceCode></xrd:service>' "$service"
printf '<xrd:id>%s</xrd:id>' "$id"
[ -n "$user" ] && printf '<xrd:userId>%s</xrd:userId>' "$user"
[ -n "$issue" ] && printf '<xrd:issue>%s</xrd:issue>' "$issue"
printf '<xrd:protocolVersion>4.0</xrd:protocolVersion></soap:Header><soap:Body><prod:%s><input>x</input></prod:%s></soap:Body></soap:Envelope>\n' "$service" "$service"
