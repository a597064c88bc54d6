"""A quick first pass over mutants whose functions every training test
reaches (``session.py``, ``io/files.py``, ``engine/network.py``): each mutant
runs only the fast tests that reach it (each under ``--limit`` seconds in
mutmut's last measurement). pytest collects them once, in this process; each
mutant then runs in a child forked from it (nothing imported or collected
again), its tests in the order of how many mutants each has killed so far,
until one fails. A mutant a fast test kills is recorded as killed in
mutants/, as ``mutmut run`` would; the others are named as they go ("not
killed") and stay "not run" for ``RESUME=1 benchmarks/mutation.sh FILE``,
which runs every test on them.

    python benchmarks/mutation_quick.py [--limit 0.5] [--survivors] [--functions x__train,xǁ_Progressǁ] FILE ...
    python benchmarks/mutation_quick.py --sample 100 [--seed 1] FILE ...

``--sample N`` estimates the score of files too large to run whole: it draws
N of their mutants not run yet, uniformly at random (the same draw for the
same seed, files and results), and gives each every test that reaches it
(``--limit`` 2 s by default: all but the slowest dozen tests); a mutant none
of them kills is recorded as survived, one no test reaches as "no tests".
The draw and the pool it came from are kept in ``mutants/samples.json``
(drawing again from the same files adds to that sample; ``--sample 0``
finishes a draw that was interrupted), from which
``mutation_scores.py --packages`` estimates each package's score.

Needs a ``benchmarks/mutation.sh`` run first (for mutants/ and its test
timings; it can be stopped once it says "Running clean tests"). ``--survivors``
runs the survivors again too (after adding tests: new tests need a mutmut run
to be timed first, or give them with ``--tests PATH ...`` to run on every
mutant).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _arguments(argv: list[str]):
    limit, survivors, files, extra, only = None, False, [], [], []
    sample, seed = None, 1
    it = iter(argv)
    target = files
    for arg in it:
        if arg == "--limit":
            limit = float(next(it))
        elif arg == "--sample":
            sample = int(next(it))
        elif arg == "--seed":
            seed = int(next(it))
        elif arg == "--survivors":
            survivors = True
        elif arg == "--functions":
            only = next(it).split(",")
        elif arg == "--tests":
            target = extra
        else:
            target.append(arg)
    if limit is None:
        limit = 2.0 if sample is not None else 0.5
    return limit, survivors, files, extra, only, sample, seed


SAMPLES = Path("samples.json")  # in mutants/


def _draw(files: list[str], metas: dict, count: int, seed: int) -> set[str]:
    """``count`` more mutants of ``files`` drawn at random from those not
    run when the files were first sampled (kept in samples.json with that
    pool), so that the drawn mutants stay a uniform sample of the pool."""
    import random

    record = json.loads(SAMPLES.read_text()) if SAMPLES.exists() else {}
    key = " ".join(sorted(files))
    entry = record.get(key)
    if entry is None:
        pool = sorted(n for meta in metas.values() for n, c in meta["exit_code_by_key"].items() if c is None)
        entry = record[key] = {"pool": pool, "drawn": []}
    left = sorted(set(entry["pool"]) - set(entry["drawn"]))
    new = random.Random(f"{seed} {len(entry['drawn'])}").sample(left, min(count, len(left)))
    entry["drawn"] += sorted(new)
    SAMPLES.write_text(json.dumps(record))
    return set(entry["drawn"])  # with those drawn before and not run yet (an interrupted run)


def _of_function(name: str, function: str) -> bool:
    """Whether mutant ``name`` is of ``function`` (mutmut's mangled name, e.g.
    ``x__train``, ``xǁSessionǁtrain``; ``xǁSessionǁ`` for every method)."""
    mangled = name.rsplit(".", 1)[-1].split("__mutmut_")[0]
    return mangled == function or (function.endswith("ǁ") and mangled.startswith(function))


class _Runner:
    """A pytest plugin: pytest collects every test once, in this process;
    then, in place of its run, each mutant gets a child process (forked,
    so nothing is imported or collected again) running its tests until one
    fails."""

    def __init__(self, plans: dict, duration: dict, out: int, sample: bool):
        self.plans, self.duration = plans, duration  # {meta path: (meta, {mutant: tests})}
        self.sample = sample  # every test under the limit runs: a mutant they pass survived
        self.out = out  # where progress goes (pytest captures sys.stdout)
        self.failed = False

    def say(self, text: str) -> None:
        os.write(self.out, (text + "\n").encode())

    def pytest_runtestloop(self, session):
        from _pytest.runner import runtestprotocol

        by_file: dict[str, list] = {}
        for item in session.items:
            by_file.setdefault(item.nodeid.split("::")[0], []).append(item)
        items = {item.nodeid: [item] for item in session.items} | by_file  # a test, or a file's tests
        kills: dict[str, int] = {}

        def run(name: str, tests: list[str], seconds: float) -> int | None:
            """1 when a test fails with mutant ``name`` active, 0 when none
            does, None when it ran out of time."""
            # The tests that killed most mutants so far first: a mutant is
            # usually killed by its first test.
            tests = sorted(tests, key=lambda t: (-kills.get(t, 0), self.duration.get(t, 1.0)))
            chosen = [item for t in tests for item in items.get(t, ())]
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                code = 0
                try:
                    os.environ["MUTANT_UNDER_TEST"] = name
                    for k, item in enumerate(chosen):
                        following = chosen[k + 1] if k + 1 < len(chosen) else None
                        if any(r.failed for r in runtestprotocol(item, log=False, nextitem=following)):
                            os.write(write, item.nodeid.encode())
                            code = 1
                            break
                except BaseException:
                    code = 1
                os._exit(code)
            os.close(write)
            try:
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    done, status = os.waitpid(pid, os.WNOHANG)
                    if done:
                        killer = os.read(read, 65536).decode()
                        if killer:
                            kills[killer] = kills.get(killer, 0) + 1
                        return os.waitstatus_to_exitcode(status)
                    time.sleep(0.02)
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return None
            finally:
                os.close(read)

        every = sorted({t for _, plan in self.plans.values() for tests in plan.values() for t in tests})
        clean = run("", every, 1200)
        if clean != 0:
            self.say(f"the tests fail without a mutant (exit {clean}); nothing recorded")
            self.failed = True
            return True
        for meta_path, (meta, plan) in self.plans.items():
            if not plan:
                meta_path.write_text(json.dumps(meta))  # mutants no test reaches
                continue
            codes = meta["exit_code_by_key"]
            killed = kept = 0
            for k, (name, tests) in enumerate(plan.items(), 1):
                # Three times the tests' measured time and 10 s: a mutant that
                # loops forever (a `while` turned round) costs no more.
                # (Five times when sampling: a timeout then counts as killed.)
                # A test mutmut has not timed (given with --tests) counts 1 s
                # for each test it holds.
                seconds = 10 + (5 if self.sample else 3) * sum(
                    self.duration.get(t, len(items.get(t, [None]))) for t in tests)
                code = run(name, tests, seconds)
                if code == 1:  # a test failed: killed
                    codes[name] = 1
                    killed += 1
                elif self.sample and code == 0:  # every test that reaches it passed
                    codes[name] = 0
                    kept += 1
                    self.say(f"  survived: {name}")
                elif self.sample and code is None:  # as mutmut counts a timeout
                    codes[name] = 36
                    killed += 1
                    self.say(f"  timed out (counted killed; check it loops): {name}")
                else:
                    kept += 1
                    self.say(f"  {'timed out' if code is None else 'not killed'}: {name}")
                if k % 10 == 0 or k == len(plan):
                    meta_path.write_text(json.dumps(meta))
                    left = "survived" if self.sample else "left for a full run"
                    self.say(f"{meta_path}: {k}/{len(plan)} run, {killed} killed, {kept} {left}")
        return True


def main(argv: list[str]) -> int:
    limit, survivors, files, extra, only, sample, seed = _arguments(argv)
    os.environ["MUTANT_UNDER_TEST"] = ""  # no mutant; and tests/conftest.py then lets pytest.main return
    os.chdir(ROOT / "mutants")
    sys.path.insert(0, str(ROOT / "mutants"))
    stats = json.loads(Path("mutmut-stats.json").read_text())
    tests_of, duration = stats["tests_by_mangled_function_name"], stats["duration_by_test"]
    import pytest

    import nnsim  # noqa: F401

    assert Path(nnsim.__file__).is_relative_to(ROOT / "mutants"), nnsim.__file__
    plans = {}
    metas = {Path(file + ".meta"): json.loads(Path(file + ".meta").read_text()) for file in files}
    drawn = _draw(files, metas, sample, seed) if sample is not None else set()
    for meta_path, meta in metas.items():
        codes = meta["exit_code_by_key"]
        names = [n for n, c in codes.items() if c is None or (survivors and c in (0, 33))]
        if sample is not None:
            names = [n for n in names if n in drawn]
        if only:
            names = [n for n in names if any(_of_function(n, f) for f in only)]
        plan = {}
        for name in names:
            reaching = tests_of.get(name.split("__mutmut_")[0], ())
            fast = sorted(t for t in reaching if duration.get(t, 99) <= limit)
            if fast or extra:
                plan[name] = fast + extra
            elif sample is not None and not reaching:
                codes[name] = 33  # no test reaches it
        if plan or sample is not None:
            plans[meta_path] = (meta, plan)
    every = sorted({t for _, plan in plans.values() for tests in plan.values() for t in tests})
    if not every:
        for meta_path, (meta, _) in plans.items():
            meta_path.write_text(json.dumps(meta))
        return 0
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1), os.dup(2)
    runner = _Runner(plans, duration, saved[0], sample is not None)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:randomly", *every], plugins=[runner])
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
