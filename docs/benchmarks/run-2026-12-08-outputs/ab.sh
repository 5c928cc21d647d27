#!/usr/bin/env bash
# A/B of tensor outputs on the heap (OLD tree) against pooled native memory (this tree), COCO-size outputs:
# the full yolov8n fixture at 640 (output 84 x 8400 FP32 = 2.8 MB per image), KServe v2 REST binary, concurrency 4.
# Usage from the repository root: OLD=/path/to/old/checkout bash docs/benchmarks/run-2026-12-08-outputs/ab.sh
set -euo pipefail
D=docs/benchmarks/run-2026-12-08-outputs
MODEL=$(realpath ../shared/fixtures/full/yolov8n.pt)
IMAGES=$(realpath ../shared/fixtures/trained/images/val)
for round in 1 2; do
  for side in old new; do
    root=$([ $side = old ] && echo "$OLD" || pwd)
    log=$D/gc-$side-$round.log
    (cd "$root" && PEREGRINE_JAVA_OPTS="-Xmx1g -Xlog:gc:file=$OLDPWD/$log" ./peregrine serve --model coco=$MODEL \
        --max-batch 4 --port 18080 > /tmp/ab-serve.log 2>&1 &)
    for i in $(seq 1 90); do curl -sf localhost:18080/health/ready > /dev/null && break; sleep 1; done
    ./peregrine loadgen --url http://127.0.0.1:18080 --model coco --images $IMAGES --protocol v2-rest \
        --concurrency 4 --duration 15s --warmup 3s --out $D/$side-$round > /dev/null
    pkill -f "PeregrineCli serve"; sleep 3
    echo "$side round $round: $(grep -c 'Pause' $log) GC pauses, $(grep -c 'Humongous' $log) humongous;" \
        "$(python3 -c "import json;s=json.load(open('$D/$side-$round/loadgen.json'))['steps'][0];print('%.2f ok/s p50 %.0f ms p99 %.0f ms'%(s['ok_per_s'],s['latency_ms']['p50'],s['latency_ms']['p99']))")"
  done
done
