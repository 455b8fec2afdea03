#!/usr/bin/env bash
# The main job on the embedded default data: set up, train a small TRM,
# simulate broken base outputs for the held-out dev records, refine them and
# print the base-vs-refined table. Everything lands in runs/fc_default/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

run=runs/fc_default
mkdir -p "$run"
build/trm data generate --out-dir "$run/data"
build/trm train --config configs/fc_default.yaml --set train.out_dir="$run"
build/trm data corrupt --input "$run/data/dev.jsonl" --output "$run/dev_faulty.jsonl" --seed 1234

# The parser alone is the baseline the model has to beat.
build/trm refine --lenient-only --input "$run/dev_faulty.jsonl" --output "$run/dev_lenient.jsonl"
build/trm eval --input "$run/dev_lenient.jsonl" --report "$run/eval_lenient.json" --markdown "$run/eval_lenient.md" > /dev/null
build/trm refine --checkpoint "$run/best.safetensors" --input "$run/dev_faulty.jsonl" --output "$run/dev_refined.jsonl"
build/trm eval --input "$run/dev_refined.jsonl" --report "$run/eval.json" --markdown "$run/eval.md"

echo
echo "Lenient parser alone (no model), same records: $run/eval_lenient.md"
sed -n '/^| metric/,/^$/p' "$run/eval_lenient.md"
