"""The mutation score of each file from mutmut's results in mutants/ (run by
benchmarks/mutation.sh): killed (a timeout counts as killed) over tested
mutants, and the survivors' names, to read with ``mutmut show NAME``.

    python benchmarks/mutation_scores.py [FILE ...] [--survivors | --names]
    python benchmarks/mutation_scores.py --packages

``--packages`` gives each package's score (``engine/``, ``design/``, ``io/``,
``data/``, and each file at the top): the mutants run outside a random
sample count as they are, and each sample drawn by ``mutation_quick.py
--sample`` stands for the pool it was drawn from (killed in the sample ÷ run
in the sample, with its 95% Wilson interval, times the pool).

``--names`` prints only the survivors' names (for ``mutmut run NAME ...``),
``--pending`` the names of the mutants not run yet.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 36, 24, -24, 152, 255}
SURVIVED = {0}
NOT_RUN = {None, 5, 33, 34}


def pending(files: list[str]) -> list[str]:
    names = []
    for meta in sorted(Path("mutants").glob("nnsim/**/*.py.meta")):
        if not files or str(meta.relative_to("mutants"))[: -len(".meta")] in files:
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            names += [name for name, code in codes.items() if code is None]
    return names


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


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% interval of a proportion k/n (Wilson's, fair near 0 and 1)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def package_of(source: str) -> str:
    parts = source.split("/")
    return "/".join(parts[:2]) + "/" if len(parts) > 2 else source


def packages() -> list[str]:
    """One line per package: its mutants, those counted exactly, each
    sample's pool and result, and the estimated score with its interval."""
    samples_path = Path("mutants/samples.json")
    samples = json.loads(samples_path.read_text()) if samples_path.exists() else {}
    in_pool = {name for entry in samples.values() for name in entry["pool"]}
    codes = {}
    for meta in sorted(Path("mutants").glob("nnsim/**/*.py.meta")):
        source = str(meta.relative_to("mutants"))[: -len(".meta")]
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            codes[name] = (package_of(source), code)
    tested = KILLED | SURVIVED | {5, 33}
    lines = [f"{'package':18} {'mutants':>7} {'exact':>11} {'sampled':>17} {'score':>7} {'95% interval':>16}"]
    for package in sorted({p for p, _ in codes.values()}):
        names = [n for n, (p, _) in codes.items() if p == package]
        exact = [codes[n][1] for n in names if n not in in_pool and codes[n][1] in tested]
        killed, run = sum(c in KILLED for c in exact), len(exact)
        low = high = killed
        pools = sampled_k = sampled_n = 0
        for entry in samples.values():
            if not entry["pool"] or codes.get(entry["pool"][0], ("",))[0] != package:
                continue
            drawn = [codes[n][1] for n in entry["drawn"] if n in codes and codes[n][1] in tested]
            k, n = sum(c in KILLED for c in drawn), len(drawn)
            if not n:
                continue
            lo, hi = wilson(k, n)
            size = len(entry["pool"])
            killed, low, high, run = killed + size * k / n, low + size * lo, high + size * hi, run + size
            pools, sampled_k, sampled_n = pools + size, sampled_k + k, sampled_n + n
        if not run:
            continue
        sampled = f"{sampled_k}/{sampled_n} of {pools}" if pools else "-"
        exact_killed = sum(c in KILLED for c in exact)
        lines.append(f"{package:18} {len(names):7} {exact_killed:5}/{len(exact):<5} {sampled:>17} "
                     f"{100 * killed / run:6.1f}% {100 * low / run:6.1f}-{100 * high / run:.1f}%")
    return lines


def main(argv: list[str]) -> int:
    if "--packages" in argv:
        print("\n".join(packages()))
        return 0
    show = "--survivors" in argv
    files = [a for a in argv if not a.startswith("--")]
    if "--pending" in argv or "--names" in argv:
        names = pending(files) if "--pending" in argv else []
        if "--names" in argv:
            names += [name for _, _, survivors in scores(files) for name in survivors]
        print("\n".join(names))
        return 0
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
