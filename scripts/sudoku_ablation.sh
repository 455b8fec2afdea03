#!/usr/bin/env bash
# The recursion ablation of the TRM paper at CPU scale, on generated Sudoku
# (configs/sudoku_mlp.yaml): four training runs, then each final checkpoint
# on the 1,000 held-out puzzles.
#   a  direct prediction: one pass of the same network, no recursion, N_sup = 1
#   b  recursion (n = 6, T = 3) without deep supervision: N_sup = 1
#   c  full TRM: n = 6, T = 3, N_sup = 16
#   d  full TRM without EMA
#
# Usage: scripts/sudoku_ablation.sh [OUT_DIR] [STEPS] [VARIANTS]
# Set TRM to use another binary (default build/trm).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/sudoku_ablation}
steps=${2:-2400}
variants=${3:-"c a b d"}
trm=${TRM:-build/trm}
mkdir -p "$out"

overrides() {
  case "$1" in
    a) echo "--set model.latent_steps=0 --set model.cycles=1 --set model.halt_max_steps=1" ;;
    b) echo "--set model.halt_max_steps=1" ;;
    c) echo "" ;;
    d) echo "--set train.ema=false" ;;
    *) echo "unknown variant '$1' (use a, b, c or d)" >&2; exit 2 ;;
  esac
}

for variant in $variants; do
  run="$out/$variant"
  # shellcheck disable=SC2046
  "$trm" train --config configs/sudoku_mlp.yaml $(overrides "$variant") \
    --set train.max_steps="$steps" --set train.eval_every=200 --set train.out_dir="$run" > "$run.train.out" 2>&1
  "$trm" test --checkpoint "$run/last.safetensors" --set data.dev_max_records=0 --batch-size 250 \
    --report "$run/test.json" > "$run.test.out" 2>&1
  grep "steps; " "$run.test.out" | sed "s/^.*\[test\]/[ablation] $variant:/"
done
