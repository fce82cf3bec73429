#!/bin/sh
# Builds and runs the ingestion benchmark; the last line printed is the pipeline/pdftotext ratio.
#   bench/ingestion/run.sh            throughput (sandboxed parse + chunk vs raw pdftotext)
#   bench/ingestion/run.sh mutate 1000  the mutation run
set -e
cd "$(dirname "$0")/../.."
dotnet build -c Release bench/ingestion/Portal.Bench.Ingestion -v q -nologo | grep -E " error |rror\(s\)" >&2 || true
dotnet bench/ingestion/Portal.Bench.Ingestion/bin/Release/net10.0/Portal.Bench.Ingestion.dll "${@:-throughput}"
