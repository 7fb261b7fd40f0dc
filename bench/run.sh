#!/usr/bin/env bash
# Runs the ManagedActors load driver and Python's multiprocessing.Manager on the same workloads, one after
# the other on this machine, and writes the side-by-side table to docs/benchmarks.md.
#   bench/run.sh            # 3 s per figure, 1/2/4/8 client processes
#   SECONDS_PER=5 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SECONDS_PER:-3}"
clients="${CLIENTS:-1,2,4,8}"
mkdir -p bench/results
out="bench/results/latest.jsonl"
dotnet build -c Release bench/ManagedActors.LoadDriver/ManagedActors.LoadDriver.csproj -v quiet -nologo
# The PostgreSQL durability rows, when PostgreSQL is installed (the load driver skips them otherwise).
pgdata="$(mktemp -d -u /tmp/loaddriver-pg-XXXXXX)"
trap 'bench/postgres.sh stop "$pgdata"' EXIT
LOADDRIVER_POSTGRES="$(bench/postgres.sh start "$pgdata")"
export LOADDRIVER_POSTGRES
{
  dotnet run -c Release --no-build --project bench/ManagedActors.LoadDriver -- run --seconds "$seconds" --clients "$clients"
  # The lane sealed, as it is between machines: the latency and dict rows.
  dotnet run -c Release --no-build --project bench/ManagedActors.LoadDriver -- run --seconds "$seconds" --clients "$clients" --only latency,dict --transports direct-sealed
  dotnet run -c Release --no-build --project bench/ManagedActors.LoadDriver -- recovery --events 100000
  dotnet run -c Release --no-build --project bench/ManagedActors.LoadDriver -- recovery --events 100000 --values record
  dotnet run -c Release --no-build --project bench/ManagedActors.LoadDriver -- failover --rounds 5
  dotnet run -c Release --no-build --project bench/ManagedActors.LoadDriver -- cluster --seconds "$seconds"
  # What the instrumentation costs: no listener, the meter, the meter and every call traced, alternating.
  dotnet run -c Release --no-build --project bench/ManagedActors.LoadDriver -- telemetry --seconds "$seconds" --rounds 2
  python3 bench/peers/python_manager.py --seconds "$seconds" --clients "$clients"
} | tee "$out"
python3 bench/report.py "$out" "bench/run.sh (SECONDS_PER=$seconds CLIENTS=$clients)" > docs/benchmarks.md
echo "wrote docs/benchmarks.md"
