#!/bin/sh
# Builds and runs the ingestion benchmark; the last lines printed are the end-to-end/pdftotext ratios.
#   bench/ingestion/run.sh                the real pipeline through the database (needs PORTAL_ADMIN_CONNECTION,
#                                         which ./portal bench ingestion sets) vs raw pdftotext in the same run
#   bench/ingestion/run.sh stages         sandboxed parse + chunk only, in-process, vs raw pdftotext
#   bench/ingestion/run.sh latency 60     enqueue -> start of ingestion jobs: one idle node, and web + worker processes
#   bench/ingestion/run.sh takeover 5     kill -9 of a worker mid-document and mid-job: time until the other worker has
#                                         taken both over, vs the configured bounds (defaults, then shortened timeouts)
#   bench/ingestion/run.sh mutate 1000    the mutation run
set -e
cd "$(dirname "$0")/../.."
dotnet build -c Release src/Portal.Web -v q -nologo | grep -E " error |rror\(s\)" >&2 || true
dotnet build -c Release src/Portal.Worker -v q -nologo | grep -E " error |rror\(s\)" >&2 || true
dotnet build -c Release src/Portal.Parser -v q -nologo | grep -E " error |rror\(s\)" >&2 || true
dotnet build -c Release bench/ingestion/Portal.Bench.Ingestion -v q -nologo | grep -E " error |rror\(s\)" >&2 || true
exec dotnet bench/ingestion/Portal.Bench.Ingestion/bin/Release/net10.0/Portal.Bench.Ingestion.dll "${@:-end-to-end}"
