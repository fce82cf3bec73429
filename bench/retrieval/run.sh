#!/bin/sh
# Retrieval benchmarks; figures go to bench/retrieval/RESULTS.md by hand.
#   bench/retrieval/run.sh cmrc                 quality on CMRC 2018 dev (keyword, vector, hybrid, BM25 reference)
#   bench/retrieval/run.sh scale [CHUNKS]       scale: CHUNKS (default 1000000) over 50 tenants
#   bench/retrieval/run.sh embed                hashed embedder throughput on one core
#   bench/retrieval/run.sh embedder-weights     the hashed embedder's weights on CMRC (tune/holdout, in process)
# Needs PORTAL_ADMIN_CONNECTION (./portal bench retrieval … sets it); each run uses a fresh database.
set -e
cd "$(dirname "$0")/../.."
dotnet build -c Release bench/retrieval/Portal.Bench.Retrieval -v q -nologo | grep -E " error |rror\(s\)" >&2 || true
exec dotnet bench/retrieval/Portal.Bench.Retrieval/bin/Release/net10.0/Portal.Bench.Retrieval.dll "${@:-cmrc}"
