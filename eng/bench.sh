#!/usr/bin/env bash
# Measures the whole system on this machine: builds Release, starts it the way production runs
# it (the four services as plain processes, two gateways, local redis-server and PostgreSQL, no
# dashboard, telemetry on but not exported), runs the standard matrix (or what the arguments
# ask for: ./eng/bench.sh im --rate 9000 --size 1024), prints a table, writes a JSON report
# under bench/results/, and stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
./eng/prerequisites.sh
dotnet build bench/Realtime.Bench/Realtime.Bench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
# Tens of thousands of sockets: raise the soft descriptor limit to the hard one (the services
# the bench starts inherit it).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec dotnet bench/Realtime.Bench/bin/Release/net10.0/realtime-bench.dll "$@"
