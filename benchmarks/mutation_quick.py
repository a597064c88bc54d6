"""A quick first pass over mutants whose functions every training test
reaches (``session.py``, ``io/files.py``): each mutant runs only the fast
tests that reach it (each under ``--limit`` seconds in mutmut's last
measurement), all in one process forked per mutant, so nothing is imported
again. A mutant a fast test kills is recorded as killed in mutants/, as
``mutmut run`` would; the others stay "not run" for
``RESUME=1 benchmarks/mutation.sh FILE``, which runs every test on them.

    python benchmarks/mutation_quick.py [--limit 0.5] [--survivors] [--functions x__train,xǁ_Progressǁ] FILE ...

Needs a ``benchmarks/mutation.sh`` run first (for mutants/ and its test
timings). ``--survivors`` runs the survivors again too (after adding tests:
new tests need a mutmut run to be timed first, or give them with
``--tests PATH ...`` to run on every mutant).
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


def _run(name: str, tests: list[str], seconds: float) -> int | None:
    """pytest's exit code for ``tests`` with mutant ``name`` active, or None
    when it ran out of time."""
    pid = os.fork()
    if pid == 0:
        os.environ["MUTANT_UNDER_TEST"] = name
        import pytest

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *tests])
        os._exit(int(code))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def main(argv: list[str]) -> int:
    limit, survivors, files, extra, only = _arguments(argv)
    os.environ["MUTANT_UNDER_TEST"] = ""  # no mutant; and tests/conftest.py then lets pytest.main return
    os.chdir(ROOT / "mutants")
    sys.path.insert(0, str(ROOT / "mutants"))
    stats = json.loads(Path("mutmut-stats.json").read_text())
    tests_of, duration = stats["tests_by_mangled_function_name"], stats["duration_by_test"]
    import numpy  # noqa: F401 - imported once, before the forks
    import pytest

    import nnsim  # noqa: F401

    assert Path(nnsim.__file__).is_relative_to(ROOT / "mutants"), nnsim.__file__
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
        every = sorted({t for tests in plan.values() for t in tests})
        if not every:
            continue
        # Import the test modules once, here: each fork then finds them imported.
        devnull = os.open(os.devnull, os.O_WRONLY)
        saved = os.dup(1), os.dup(2)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", *every])
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
        clean = _run("", every, 600)
        if clean != 0:
            print(f"{file}: the fast tests fail without a mutant (exit {clean}); nothing recorded")
            return 1
        killed = kept = 0
        for k, (name, tests) in enumerate(plan.items(), 1):
            seconds = 20 + 20 * sum(duration.get(t, 1.0) for t in tests)
            code = _run(name, tests, seconds)
            if code == 1:  # a test failed: killed
                codes[name] = 1
                killed += 1
            else:
                kept += 1
            if k % 10 == 0 or k == len(plan):
                meta_path.write_text(json.dumps(meta))
                print(f"{file}: {k}/{len(plan)} run, {killed} killed, {kept} left for a full run", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
