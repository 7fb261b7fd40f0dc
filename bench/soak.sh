#!/usr/bin/env bash
# The cluster's false-down soak: three host processes beside BUSY (2) processes that keep the cores busy, and a client
# writing through all three, for MINUTES (10) minutes. Nothing is killed, so a member ever seen unreachable or missing
# is a false down. At the end one host gets SIGTERM under the same load and must exit 0. Exits non-zero on any of
# those, or on a failed call; the figure goes to bench/results/soak.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
dotnet build -c Release bench/ManagedActors.LoadDriver/ManagedActors.LoadDriver.csproj -v quiet -nologo
dotnet run -c Release --no-build --project bench/ManagedActors.LoadDriver -- soak --minutes "${MINUTES:-10}" --busy "${BUSY:-2}" \
  | tee bench/results/soak.jsonl
