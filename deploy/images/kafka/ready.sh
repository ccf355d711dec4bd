#!/bin/bash
# Readiness: the broker answers an ApiVersions (v0) request on 9092 with error code 0, i.e. it
# accepts API requests, not only TCP connections. No JVM start: a raw request over /dev/tcp.
exec 3<>/dev/tcp/127.0.0.1/9092 || exit 1
# size 14 | api_key 18 | api_version 0 | correlation_id 1 | client_id "prob"
printf '\x00\x00\x00\x0e\x00\x12\x00\x00\x00\x00\x00\x01\x00\x04prob' >&3
# response: size(4) correlation_id(4) = 1, error_code(2) = 0
reply=$(timeout 3 head -c 10 <&3 | od -An -tx1 | tr -d ' \n')
[[ ${reply:8:12} == 000000010000 ]]
