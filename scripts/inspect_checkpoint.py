"""Lists a trm checkpoint from Python and optionally re-saves it for torch.load.

trm checkpoints are safetensors files: `model.*` weights, `ema.*` moving
averages, `optim.*` optimizer moments, `carry.*` and `sampler.*` training
state, and string metadata (`config` contains the run config as YAML).

  /usr/bin/python3 scripts/inspect_checkpoint.py runs/sudoku_mlp/last.safetensors
  /usr/bin/python3 scripts/inspect_checkpoint.py CKPT --to-pt weights.pt [--raw]

`--to-pt` writes {"state_dict": weights, "metadata": {...}} with torch.save;
the weights are the EMA averages where the checkpoint has them (what
`trm refine` and `trm test` use), or the raw `model.*` weights with --raw.
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def inference_weights(tensors, raw):
    weights = {key[len("model.") :]: value for key, value in tensors.items() if key.startswith("model.")}
    if not raw:
        for key, value in tensors.items():
            if key.startswith("ema."):
                weights[key[len("ema.") :]] = value
    return weights


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint")
    parser.add_argument("--to-pt", help="write the inference weights with torch.save to this file")
    parser.add_argument("--raw", action="store_true", help="with --to-pt: the model.* weights, not the EMA")
    args = parser.parse_args()

    tensors, metadata = safetensors_io.load(args.checkpoint)
    groups = {}
    for key, value in tensors.items():
        group = key.split(".", 1)[0]
        count, numel = groups.get(group, (0, 0))
        groups[group] = (count + 1, numel + value.numel())
    print("%s: %d tensors" % (args.checkpoint, len(tensors)))
    for group, (count, numel) in sorted(groups.items()):
        print("  %-8s %4d tensors %12d values" % (group, count, numel))
    for key in sorted(tensors):
        if key.startswith("model."):
            print("  %-50s %-14s %s" % (key, str(tensors[key].dtype).replace("torch.", ""), list(tensors[key].shape)))
    for key in sorted(metadata):
        if key != "config":
            print("  meta %-20s %s" % (key, metadata[key][:60]))

    if args.to_pt:
        weights = inference_weights(tensors, args.raw)
        torch.save({"state_dict": weights, "metadata": metadata}, args.to_pt)
        print("wrote %s (%d tensors, %s weights)" % (args.to_pt, len(weights), "raw" if args.raw else "EMA"))


if __name__ == "__main__":
    main()
