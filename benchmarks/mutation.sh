#!/bin/sh
# Mutation testing of the headless core (see docs/testing.md).
#
#   benchmarks/mutation.sh [FILE ...]      e.g. nnsim/engine/trainer.py nnsim/io/format.py
#
# Mutates the files named (all of [tool.mutmut] only_mutate in pyproject.toml
# when none are), runs the headless tests that reach each mutant, and prints
# the score of each file. Results are kept in mutants/ so a later run only
# tests what is new; `rm -rf mutants` starts afresh. One child process by
# default (MUTMUT_CHILDREN to change it): the run takes tens of minutes per
# large file. Needs the mutation extra: pip install -e '.[test,mutation]'.
set -eu
cd "$(dirname "$0")/.."
bin=${VENV:-.venv}/bin
names=""
for file in "$@"; do
    module=$(printf '%s' "${file%.py}" | tr / .)
    names="$names $module.*"
done
# shellcheck disable=SC2086 # the names are globs for mutmut, not for the shell
set -f
"$bin/mutmut" run --max-children "${MUTMUT_CHILDREN:-1}" $names || true
set +f
"$bin/python" benchmarks/mutation_scores.py "$@"
