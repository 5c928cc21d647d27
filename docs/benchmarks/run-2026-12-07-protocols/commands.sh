#!/usr/bin/env bash
# The protocol comparison of docs/benchmarks/server.md (2026-12-07), from the repository root.
set -euo pipefail
D=docs/benchmarks/run-2026-12-07-protocols
./peregrine serve --grpc-port 8001 > $D/serve.log 2>&1 &
sleep 20
for r in 1 2; do
  for p in detect v2-rest v2-grpc; do
    ./peregrine loadgen --model shapes --images ../shared/fixtures/trained/images/val --protocol $p \
        --concurrency 1,4,16 --duration 8s --warmup 2s --out $D/round$r-$p
  done
done
# CPU of each side during 5 s of a concurrency-16 step (utime+stime ticks of /proc/PID/stat, 100 per second)
SP=$(pgrep -f "PeregrineCli serve" | head -1)
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
for p in v2-rest v2-grpc v2-rest v2-grpc; do
  ./peregrine loadgen --model shapes --images ../shared/fixtures/trained/images/val --protocol $p \
      --concurrency 16 --duration 8s --warmup 0s > /dev/null 2>&1 &
  LP=$!; sleep 4; LJ=$(pgrep -f "PeregrineCli loadgen" | head -1)
  l0=$(cpu $LJ); s0=$(cpu $SP); sleep 5; l1=$(cpu $LJ); s1=$(cpu $SP); wait $LP
  echo "$p server ticks/5s=$((s1-s0)) client ticks/5s=$((l1-l0))"
done
kill %1
