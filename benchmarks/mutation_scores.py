"""The mutation score of each file from mutmut's results in mutants/ (run by
benchmarks/mutation.sh): killed (a timeout counts as killed) over tested
mutants, and the survivors' names, to read with ``mutmut show NAME``.

    python benchmarks/mutation_scores.py [FILE ...] [--survivors]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 36, 24, -24, 152, 255}
SURVIVED = {0}
NOT_RUN = {None, 5, 33, 34}


def scores(files: list[str]) -> list[tuple[str, Counter, list[str]]]:
    rows = []
    for meta in sorted(Path("mutants").glob("nnsim/**/*.py.meta")):
        source = str(meta.relative_to("mutants"))[: -len(".meta")]
        if files and source not in files:
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        count = Counter()
        survivors = []
        for name, code in codes.items():
            if code in KILLED:
                count["killed"] += 1
            elif code in SURVIVED:
                count["survived"] += 1
                survivors.append(name)
            elif code in {5, 33}:
                count["no tests"] += 1
                survivors.append(name)
            elif code is None:
                count["not run"] += 1
            else:
                count["other"] += 1
        rows.append((source, count, survivors))
    return rows


def main(argv: list[str]) -> int:
    show = "--survivors" in argv
    files = [a for a in argv if not a.startswith("--")]
    print(f"{'file':34} {'mutants':>7} {'killed':>6} {'survived':>8} {'no tests':>8} {'not run':>7} {'score':>6}")
    for source, count, survivors in scores(files):
        tested = count["killed"] + count["survived"] + count["no tests"]
        total = sum(count.values())
        score = f"{100 * count['killed'] / tested:.1f}%" if tested else "-"
        print(f"{source:34} {total:7} {count['killed']:6} {count['survived']:8} {count['no tests']:8} "
              f"{count['not run']:7} {score:>6}")
        if show:
            for name in survivors:
                print("    ", name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
