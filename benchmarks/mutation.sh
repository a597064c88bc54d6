#!/bin/sh
# Mutation testing of the headless core (see docs/testing.md).
#
#   benchmarks/mutation.sh [FILE ...]      e.g. nnsim/engine/trainer.py nnsim/io/format.py
#   RECHECK=1 benchmarks/mutation.sh FILE ...   test again only the mutants that survived
#                                               (after adding tests: far quicker)
#   RESUME=1 benchmarks/mutation.sh FILE ...    run only the mutants not run yet (after an interruption)
#                                               (RECHECK=1 RESUME=1: both)
#
# Mutates the files named (all of [tool.mutmut] only_mutate in pyproject.toml
# when none are; then only mutants without a result yet are run), runs the
# headless tests that reach each mutant, and prints the score of each file.
# Results are kept in mutants/ (`rm -rf mutants` starts afresh). One child process by
# default (MUTMUT_CHILDREN to change it): the run takes tens of minutes per
# large file. Needs the mutation extra: pip install -e '.[test,mutation]'.
set -eu
cd "$(dirname "$0")/.."
bin=${VENV:-.venv}/bin
names=""
if [ -n "${RECHECK:-}" ] || [ -n "${RESUME:-}" ]; then
    names=$("$bin/python" benchmarks/mutation_scores.py ${RECHECK:+--names} ${RESUME:+--pending} "$@")
    if [ -z "$names" ]; then
        echo "no mutants to run"
        exec "$bin/python" benchmarks/mutation_scores.py "$@"
    fi
else
    for file in "$@"; do
        module=$(printf '%s' "${file%.py}" | tr / .)
        names="$names $module.*"
    done
fi
# shellcheck disable=SC2086 # the names are globs for mutmut, not for the shell
set -f
"$bin/mutmut" run --max-children "${MUTMUT_CHILDREN:-1}" $names || true
set +f
"$bin/python" benchmarks/mutation_scores.py "$@"
