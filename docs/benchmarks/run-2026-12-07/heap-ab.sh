#!/bin/bash
# (the gauges were named peregrine_request_images* when heap-ab.out was recorded; now peregrine_request_bodies*)
# A/B of heap behaviour: 40 sequential 9 MB PNG uploads to a server, GC log kept.
# usage: heap-ab.sh CHECKOUT PORT TAG
dir=$1; port=$2; tag=$3
cd "$dir"
PEREGRINE_JAVA_OPTS="-Xmx1g -Xlog:gc:file=/tmp/b1/gc-$tag.log" ./peregrine serve --port $port --max-batch 8 > /tmp/b1/serve-$tag.log 2>&1 &
for i in $(seq 1 60); do curl -sf http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 1; done
start=$(date +%s.%N)
for i in $(seq 1 40); do curl -s -o /dev/null -w "%{http_code} " -H "Content-Type: image/png" --data-binary @/tmp/b1/big.png http://127.0.0.1:$port/v1/models/shapes/detect; done; echo
end=$(date +%s.%N)
echo "$tag: 40 requests in $(echo "$end - $start" | bc) s"
curl -s http://127.0.0.1:$port/metrics | grep -E "^jvm_memory_used_bytes\{area=\"heap\"|^process_resident_memory_bytes|^peregrine_request_(images|bodies)" 
pkill -f "serve --port $port"; sleep 2
echo "$tag: GC events $(grep -c 'Pause' /tmp/b1/gc-$tag.log), humongous-triggered $(grep -c 'Humongous' /tmp/b1/gc-$tag.log)"
