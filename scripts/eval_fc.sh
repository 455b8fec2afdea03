#!/usr/bin/env bash
# Measures a function-call checkpoint on BFCL dev records: simulated faults
# (fixed seed) and real base-model outputs, each refined four ways (base
# passed through, lenient parser only, the model with argmax decoding, the
# model with schema-constrained decoding) and evaluated. The argmax run also
# writes a trace of every step, from which scripts/steps_curve.py computes
# accuracy as a function of the step budget.
#
# Usage: scripts/eval_fc.sh [CHECKPOINT] [OUT_DIR] [SHARED_DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
checkpoint=${1:-runs/fc_bfcl/best.safetensors}
out=${2:-runs/fc_bfcl/eval}
shared=${3:-../shared/data}
mkdir -p "$out"

build/trm data corrupt --input "$shared/bfcl/*.jsonl" --split dev --seed 1234 --output "$out/sim_dev.jsonl"
build/trm data select --input "$shared/real_base_outputs/train_dev.jsonl" --split dev --output "$out/real_dev.jsonl"

for set in sim_dev real_dev; do
  build/trm refine --passthrough --input "$out/$set.jsonl" --output "$out/$set.passthrough.jsonl"
  build/trm refine --lenient-only --input "$out/$set.jsonl" --output "$out/$set.lenient.jsonl"
  build/trm refine --checkpoint "$checkpoint" --input "$out/$set.jsonl" --output "$out/$set.model.jsonl" \
    --trace "$out/$set.trace.jsonl"
  build/trm refine --checkpoint "$checkpoint" --input "$out/$set.jsonl" --output "$out/$set.constrained.jsonl" \
    --constrained
  for mode in passthrough lenient model constrained; do
    build/trm eval --input "$out/$set.$mode.jsonl" --report "$out/$set.$mode.eval.json" \
      --markdown "$out/$set.$mode.eval.md" > /dev/null
  done
done
echo "[eval_fc] reports in $out"
