#!/usr/bin/env bash
# Runs the whole test suite: unit tests, integration tests against real redis-server and
# PostgreSQL processes, and end-to-end tests through the AppHost.
set -euo pipefail
cd "$(dirname "$0")/.."
./eng/prerequisites.sh --tests
dotnet build Realtime.Aspire.sln -c Release
# One test project at a time (-m:1): the end-to-end tests run the whole system on the same
# few cores, and sharing them with other test runs only makes timings noisy.
dotnet test Realtime.Aspire.sln -c Release --no-build -m:1 \
  --logger "console;verbosity=normal" \
  --blame-hang --blame-hang-timeout 10m \
  -- RunConfiguration.TestSessionTimeout=1800000
