"""Accuracy of refined function calls as a function of the step budget.

  python3 scripts/steps_curve.py REFINED.jsonl TRACE.jsonl OUT_DIR [TRM_BINARY]

REFINED.jsonl is a `trm refine` output and TRACE.jsonl its `--trace`. For
each budget k it writes OUT_DIR/step<k>.jsonl, where every record the model
refined takes its decoded output after step min(k, the step where it
stopped), before the never-worse rule. Other lines stay as they are. Each
file is scored with `trm eval`, and the script prints one Markdown row per
budget: schema-valid and BFCL-acceptable rates, and records still running.
"""

import json
import os
import subprocess
import sys


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    refined_path, trace_path, out_dir = sys.argv[1:4]
    trm = sys.argv[4] if len(sys.argv) > 4 else "build/trm"
    os.makedirs(out_dir, exist_ok=True)

    with open(refined_path) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    steps = {}  # input line -> {step: output}
    with open(trace_path) as f:
        for text in f:
            if text.strip():
                entry = json.loads(text)
                steps.setdefault(entry["line"], {})[entry["step"]] = entry["output"]
    budget = max((max(s) for s in steps.values()), default=0)

    print("| step budget | schema valid | BFCL acceptable | records still running |")
    print("| ---: | ---: | ---: | ---: |")
    for k in range(1, budget + 1):
        path = os.path.join(out_dir, "step%d.jsonl" % k)
        running = 0
        with open(path, "w") as out:
            for line in lines:
                record = dict(line)
                by_step = steps.get(line.get("line"))
                if by_step:
                    last = max(s for s in by_step if s <= k)
                    record["refined_output"] = by_step[last]
                    record["steps"] = last
                    running += max(by_step) > k
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        report_path = os.path.join(out_dir, "step%d.eval.json" % k)
        subprocess.run([trm, "eval", "--input", path, "--report", report_path], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(report_path) as f:
            refined = json.load(f)["overall"]["refined"]

        def rate(metric):
            value = refined[metric]
            return "%.1f%% (%d)" % (100.0 * (value["rate"] or 0.0), value["count"])

        print("| %d | %s | %s | %d |" % (k, rate("schema_ok"), rate("acceptable"), running))


if __name__ == "__main__":
    main()
