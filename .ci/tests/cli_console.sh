#!/usr/bin/env bash
# End-to-end checks of the installed `minibackprop` console script (e.g. from the wheel in a fresh venv):
#   .ci/tests/cli_console.sh VENV_BIN        (needs MINIBACKPROP_DATA for the last check)
# exercises: copies the notebooks, refuses to overwrite, a file as DIR is one line, --check on a missing folder is a
# usage error (--check itself: .ci/tests/exercises_console.sh); train: a bad option is one
# line and status 2, a closed stdout is one line and status 1, `| head -1` ends quietly with status 141.
set -uo pipefail
MB="${1:?usage: cli_console.sh VENV_BIN}/minibackprop"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
fails=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1 (status $rc; stdout: $(head -c 300 out); stderr: $(head -c 300 err))" >&2; fails=$((fails + 1)); fi; }
lines() { wc -l <"$1" | tr -d ' '; }

"$MB" exercises ex >out 2>err; rc=$?
check 'exercises DIR copies the notebooks and says how to open them' '[ $rc = 0 ] && ls ex/*.ipynb >/dev/null 2>&1 && grep -q "jupyter lab ex" out && [ ! -s err ]'
"$MB" exercises ex >out 2>err; rc=$?
check 'exercises DIR again refuses to overwrite, in one line' '[ $rc = 1 ] && [ ! -s out ] && [ "$(lines err)" = 1 ]'
touch afile; "$MB" exercises afile >out 2>err; rc=$?
check 'exercises FILE is one line and status 1' '[ $rc = 1 ] && [ "$(lines err)" = 1 ]'
"$MB" exercises --check nothere >out 2>err; rc=$?
check 'exercises --check on a missing folder is one line and status 2' '[ $rc = 2 ] && [ ! -s out ] && [ "$(lines err)" = 1 ]'
"$MB" train --threads 40000 >out 2>err; rc=$?
check 'train --threads 40000 is one line and status 2' '[ $rc = 2 ] && [ "$(lines err)" = 1 ] && grep -q "per CPU core" err'
"$MB" train --epochs 1 >&- 2>err; rc=$?; : >out
check 'train with stdout closed is one line and status 1' '[ $rc = 1 ] && grep -q "standard output is closed" err'
PYTHONUNBUFFERED=1 "$MB" train --epochs 2 --hidden 16 2>err | head -1 >out; rc=${PIPESTATUS[0]}
check 'train | head -1 ends quietly with status 141' '[ $rc = 141 ] && [ ! -s err ] && grep -q "^minibackprop train: " out'
[ $fails = 0 ] || { echo "cli_console.sh: $fails check(s) failed" >&2; exit 1; }
echo "cli_console.sh: all checks passed"
