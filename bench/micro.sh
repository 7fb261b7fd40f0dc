#!/usr/bin/env bash
# Runs the BenchmarkDotNet micro-benchmarks (codec, protocol serializer, in-process call path) and keeps
# their tables in bench/results/micro.md, which bench/report.py adds to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
dotnet run -c Release --project bench/ManagedActors.Benchmarks -- --filter '*' --exporters github | tee bench/results/micro.log
{
  echo "Command: \`bench/micro.sh\` (BenchmarkDotNet, 1 launch, 3 warm-up and 8 measured iterations)."
  echo
  for f in BenchmarkDotNet.Artifacts/results/*-report-github.md; do
    sed -n '/^|/p' "$f"
    echo
  done
} > bench/results/micro.md
echo "wrote bench/results/micro.md"
