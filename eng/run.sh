#!/usr/bin/env bash
# Runs the whole system locally: the AppHost starts Redis, PostgreSQL, the four services (two
# gateway instances) and the Aspire dashboard. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
./eng/prerequisites.sh
echo "==> starting the AppHost: WebSocket ws://localhost:8000/connection/websocket, server API http://localhost:9000"
echo "==> the dashboard login URL is printed below (Login to the dashboard at http://localhost:15080/login?t=...)"
exec dotnet run --project AppHost/Realtime.AppHost.csproj --launch-profile http
