"""Prints the Sudoku ablation as Markdown from the run folders of scripts/sudoku_ablation.sh.

  python3 scripts/ablation_table.py [runs/sudoku_ablation]

For each variant folder (a, b, c, d) it reads test.json (`trm test` on the
held-out puzzles) and metrics.jsonl (the dev evaluations during training),
and prints the result table, the dev learning curves and the accuracy per
supervision step of the variants with more than one step.
"""

import json
import os
import sys

NAMES = {
    "a": "(a) direct prediction",
    "b": "(b) recursion, no deep supervision",
    "c": "(c) full TRM",
    "d": "(d) full TRM without EMA",
}


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "runs/sudoku_ablation"
    runs = {}
    for variant in "abcd":
        test_path = os.path.join(root, variant, "test.json")
        if not os.path.exists(test_path):
            continue
        with open(test_path) as f:
            test = json.load(f)
        metrics = read_jsonl(os.path.join(root, variant, "metrics.jsonl"))
        train = [m for m in metrics if m.get("kind") == "train"]
        evals = [m for m in metrics if m.get("kind") == "eval"]
        runs[variant] = (test, train, evals)

    print("| variant | test exact | test cell | exact with halting (mean steps) | train ex/s |")
    print("| --- | --- | --- | --- | --- |")
    for variant, (test, train, _) in runs.items():
        rates = [m["examples_per_second"] for m in train[1:]]
        rate = sum(rates) / len(rates) if rates else 0.0
        print("| %s | %.1f%% | %.1f%% | %.1f%% (%.2f) | %.0f |" % (
            NAMES[variant], 100 * test["exact_accuracy"], 100 * test["token_accuracy"],
            100 * test["exact_with_halting"], test["mean_halting_steps"], rate))

    print()
    steps = sorted({m["step"] for _, _, evals in runs.values() for m in evals})
    print("| training step | " + " | ".join(NAMES[v] for v in runs) + " |")
    print("| --- |" + " --- |" * len(runs))
    for step in steps:
        cells = []
        for _, _, evals in runs.values():
            found = [m for m in evals if m["step"] == step]
            cells.append("%.1f%% / %.1f%%" % (100 * found[0]["exact_accuracy"], 100 * found[0]["token_accuracy"])
                         if found else "")
        print("| %d | %s |" % (step, " | ".join(cells)))

    deep = [v for v, (test, _, _) in runs.items() if len(test["exact_by_step"]) > 1]
    if deep:
        print()
        header = []
        for v in deep:
            header += ["%s exact, halting off" % v, "%s exact, halting on (steps)" % v]
        print("| supervision steps | " + " | ".join(header) + " |")
        print("| --- |" + " --- |" * len(header))
        for k in range(len(runs[deep[0]][0]["exact_by_step"])):
            cells = []
            for v in deep:
                test = runs[v][0]
                cells.append("%.1f%%" % (100 * test["exact_by_step"][k]))
                cells.append("%.1f%% (%.2f)" % (100 * test["exact_with_halting_by_step"][k],
                                                test["mean_halting_steps_by_step"][k]))
            print("| %d | %s |" % (k + 1, " | ".join(cells)))


if __name__ == "__main__":
    main()
