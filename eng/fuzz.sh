#!/usr/bin/env bash
# The long fuzzing run of the command decoder (hardening): a million generated and mutated
# frames or more (./eng/fuzz.sh 5000000); none may escape as anything but a malformed command,
# and memory must stay bounded. The test suite runs a fast slice of the same tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./eng/prerequisites.sh
export REALTIME_FUZZ_FRAMES="${1:-1000000}"
dotnet test tests/Realtime.Protocol.Tests -c Release --filter "FullyQualifiedName~Fuzzing" --logger "console;verbosity=normal"
