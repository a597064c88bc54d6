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
    limit, survivors, files, extra, only = 0.5, False, [], [], []
    it = iter(argv)
    target = files
    for arg in it:
        if arg == "--limit":
            limit = float(next(it))
        elif arg == "--survivors":
            survivors = True
        elif arg == "--functions":
            only = next(it).split(",")
        elif arg == "--tests":
            target = extra
        else:
            target.append(arg)
    return limit, survivors, files, extra, only


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

    def __init__(self, plans: dict, duration: dict, out: int):
        self.plans, self.duration = plans, duration  # {meta path: (meta, {mutant: tests})}
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

        for meta_path, (meta, plan) in self.plans.items():
            every = sorted({t for tests in plan.values() for t in tests})
            clean = run("", every, 600)
            if clean != 0:
                self.say(f"{meta_path}: the fast tests fail without a mutant (exit {clean}); nothing recorded")
                self.failed = True
                continue
            codes = meta["exit_code_by_key"]
            killed = kept = 0
            for k, (name, tests) in enumerate(plan.items(), 1):
                # Three times the tests' measured time and 10 s: a mutant that
                # loops forever (a `while` turned round) costs no more.
                seconds = 10 + 3 * sum(self.duration.get(t, 1.0) for t in tests)
                code = run(name, tests, seconds)
                if code == 1:  # a test failed: killed
                    codes[name] = 1
                    killed += 1
                else:
                    kept += 1
                    self.say(f"  {'timed out' if code is None else 'not killed'}: {name}")
                if k % 10 == 0 or k == len(plan):
                    meta_path.write_text(json.dumps(meta))
                    self.say(f"{meta_path}: {k}/{len(plan)} run, {killed} killed, {kept} left for a full run")
        return True


def main(argv: list[str]) -> int:
    limit, survivors, files, extra, only = _arguments(argv)
    os.environ["MUTANT_UNDER_TEST"] = ""  # no mutant; and tests/conftest.py then lets pytest.main return
    os.chdir(ROOT / "mutants")
    sys.path.insert(0, str(ROOT / "mutants"))
    stats = json.loads(Path("mutmut-stats.json").read_text())
    tests_of, duration = stats["tests_by_mangled_function_name"], stats["duration_by_test"]
    import pytest

    import nnsim  # noqa: F401

    assert Path(nnsim.__file__).is_relative_to(ROOT / "mutants"), nnsim.__file__
    plans = {}
    for file in files:
        meta_path = Path(file + ".meta")
        meta = json.loads(meta_path.read_text())
        codes = meta["exit_code_by_key"]
        names = [n for n, c in codes.items() if c is None or (survivors and c in (0, 33))]
        if only:
            names = [n for n in names if any(_of_function(n, f) for f in only)]
        plan = {}
        for name in names:
            fast = sorted(t for t in tests_of.get(name.split("__mutmut_")[0], ()) if duration.get(t, 99) <= limit)
            if fast or extra:
                plan[name] = fast + extra
        if plan:
            plans[meta_path] = (meta, plan)
    every = sorted({t for _, plan in plans.values() for tests in plan.values() for t in tests})
    if not every:
        return 0
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1), os.dup(2)
    runner = _Runner(plans, duration, saved[0])
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
