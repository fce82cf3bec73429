#!/bin/sh
# Chat benchmarks; figures go to bench/chat/RESULTS.md by hand.
#   bench/chat/run.sh latency [CHUNKS]   streaming chat latency of the extractive path over HTTP (default 10000 chunks)
#   bench/chat/run.sh cmrc               CMRC 2018 dev answering with the gold passage as the only source
# latency needs PORTAL_ADMIN_CONNECTION (./portal bench chat … sets it) and uses a fresh database.
set -e
cd "$(dirname "$0")/../.."
dotnet build -c Release src/Portal.Web -v q -nologo | grep -E " error |rror\(s\)" >&2 || true
dotnet build -c Release bench/chat/Portal.Bench.Chat -v q -nologo | grep -E " error |rror\(s\)" >&2 || true
exec dotnet bench/chat/Portal.Bench.Chat/bin/Release/net10.0/Portal.Bench.Chat.dll "${@:-latency}"
