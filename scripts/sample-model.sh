#!/usr/bin/env bash
# Writes sample-data/trend-model.json, the trend model that the sample's first run activates in demo mode. The sample
# holds one term, too little to train on, so the model is trained on the school year before it (HT2025 and VT2026),
# generated with the sample's seed, with `train`'s defaults and seed. Training is seeded and single-threaded and the
# file leaves out times and durations (`models export --reproducible`): run it again and `git diff` shows nothing.
#
# Usage: SAMPLE_MODEL_DB="<connection string to an empty database>" scripts/sample-model.sh
#   e.g. createdb on the private cluster (scripts/postgres.sh), then
#   SAMPLE_MODEL_DB="Host=127.0.0.1;Port=55432;Username=skolnarvaro;Password=skolnarvaro;Database=sample_model" scripts/sample-model.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)"
: "${SAMPLE_MODEL_DB:?set SAMPLE_MODEL_DB to a connection string to an empty database}"
cd "$ROOT"
OUT="$ROOT/.local/sample-model-history"
rm -rf "$OUT"

export ConnectionStrings__Skolnarvaro="$SAMPLE_MODEL_DB"
# The demo's own model must not be put into the registry this script trains in.
export Skolnarvaro__Demo__TrendModelFile=""
if ! ./skolnarvaro models | grep -q "No trend models yet"; then
    echo "sample-model.sh: the database already holds trend models; give an empty one." >&2
    exit 2
fi

./skolnarvaro generate --from 2025-08-18 --as-of 2026-06-12 --seed 20260817 --out "$OUT"
Skolnarvaro__SchoolsFile="$OUT/schools.json" Skolnarvaro__Plausibility__SchoolYearsBack=2 \
    Skolnarvaro__Notifications__DryRunFolder="$OUT/digests" ./skolnarvaro run-once --as-of 2026-06-12 --dry-run >/dev/null
./skolnarvaro train
./skolnarvaro models export 1 --file sample-data/trend-model.json --reproducible
sha256sum sample-data/trend-model.json
