#!/usr/bin/env bash
# Runs the whole system for a long time under mixed load while faults come one after another (a
# gateway, fanout, history or presence SIGKILLed and restarted, Redis SIGKILLed and restarted
# from its append-only file, history or presence stalled), then checks that nothing acknowledged
# was lost, nothing was stored twice, and no service's memory kept growing after its warm-up.
#
#   ./eng/soak.sh [duration] [fault interval]      e.g. ./eng/soak.sh 00:30:00 00:00:20
#
# Environment: RT_SOAK_CHANNELS (4), RT_SOAK_RATE (publishes per second per channel, 20),
# RT_SOAK_WARMUP (00:00:15, before a process's memory is judged). The summary (counts, memory per
# process, the faults injected) is printed and written to soak-summary.txt beside the test assembly.
set -euo pipefail
cd "$(dirname "$0")/.."
export RT_SOAK_DURATION="${1:-00:10:00}"
export RT_SOAK_FAULT_EVERY="${2:-00:00:20}"
./eng/prerequisites.sh
dotnet build Realtime.Aspire.sln -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet test tests/Realtime.Guarantees.Tests -c Release --no-build \
  --filter "Category=Soak" --logger "console;verbosity=detailed"
cat tests/Realtime.Guarantees.Tests/bin/Release/net10.0/soak-summary.txt
