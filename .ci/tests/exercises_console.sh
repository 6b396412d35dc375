#!/usr/bin/env bash
# End-to-end checks of `minibackprop exercises --check`, the installed console script (e.g. from the wheel in a fresh
# venv, with nbclient and ipykernel):   .ci/tests/exercises_console.sh VENV_BIN
# Each run's table and exit status: the blank copies (every exercise not written, status 1); every blank filled in with
# the lesson's code (every exercise passes, status 0); a class of two where one learner's notebook is not JSON (its own
# error rows, the rest graded, status 1); a shortcut through the library (named, status 1). Nothing reaches stderr: no
# kernel warning, no traceback. The lesson's code is the SOLUTIONS of nbs/18_practice.ipynb, read from there.
set -uo pipefail
BIN="${1:?usage: exercises_console.sh VENV_BIN}"; MB="$BIN/minibackprop"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
fails=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1 (status $rc; stdout: $(head -c 2000 out); stderr: $(head -c 300 err))" >&2; fails=$((fails + 1)); fi; }
n_ex=$("$BIN/python" -c 'from minibackprop.practice.catalogue import EXERCISES; print(len(EXERCISES))') || exit 1

"$MB" exercises blank >/dev/null 2>&1 || { echo "FAILED: cannot copy the blank notebooks" >&2; exit 1; }
# fill FOLDER [NAME=CODE ...] [NB ...]: copies of the blank notebooks NB (all if none) in FOLDER, each stub filled in
# with the lesson's code, or with CODE for NAME
fill() {
  "$BIN/python" - "$ROOT/nbs/18_practice.ipynb" "$@" <<'PY'
import json, re, sys
from pathlib import Path
ns = dict(json=json, re=re, Path=Path)
for c in json.loads(Path(sys.argv[1]).read_text())['cells']:       # the cells that define SOLUTIONS and fill
    src = ''.join(c['source'])
    if c['cell_type'] == 'code' and re.search(r'^(SOLUTIONS \|?= dict\(|def fill\()', src, re.M): exec(src, ns)
folder, *rest = sys.argv[2:]
swaps, names = dict(a.split('=', 1) for a in rest if '=' in a), [a for a in rest if '=' not in a]
for nb in sorted(Path('blank').glob('*.ipynb')):
    if not names or nb.name in names: ns['fill'](nb, {**ns['SOLUTIONS'], **swaps}, Path(folder))
PY
}

"$MB" exercises --check blank >out 2>err; rc=$?
check "blank copies: all $n_ex exercises not written, 0 of $n_ex pass, status 1" \
  '[ $rc = 1 ] && [ ! -s err ] && [ "$(tail -1 out)" = "0 of $n_ex pass" ] && [ "$(grep -c "  not written$" out)" = $n_ex ]'

fill filled >/dev/null || { echo "FAILED: cannot fill in the notebooks" >&2; exit 1; }
"$MB" exercises --check filled >out 2>err; rc=$?
check "filled in with the lesson's code: $n_ex of $n_ex pass, status 0" \
  '[ $rc = 0 ] && [ ! -s err ] && [ "$(tail -1 out)" = "$n_ex of $n_ex pass" ] && [ "$(grep -c "  passed" out)" = $n_ex ]'

fill class/alice 01_matmul.ipynb && fill class/bob 01_matmul.ipynb 02_forward.ipynb   # (the other notebooks missing)
printf '{"cells": [' >class/alice/02_forward.ipynb                  # alice's 02_forward is not valid JSON
"$MB" exercises --check class/alice class/bob --csv class.csv >out 2>err; rc=$?
check 'a class with one broken notebook: its own error rows, every other notebook graded, status 1' \
  '[ $rc = 1 ] && [ ! -s err ] && grep -q "^alice: lin error: cannot read the notebook: it is not valid JSON; relu error: cannot read" out &&
   grep -q "^bob  *4 of $n_ex  *✓  *✓  *✓  *✓  *! " out && grep -q "^alice  *1 of $n_ex  *✓  *!  *!  *!  *! " out &&
   [ "$(tail -1 out)" = "0 of 2 learners pass every exercise" ] && tr -d "\r" <class.csv | grep -qx "bob,02_forward,mse,passed," &&
   tr -d "\r" <class.csv | grep -qx "alice,02_forward,lin,error,cannot read the notebook: it is not valid JSON"'

fill shortcut 'mse_grad=from minibackprop.backprop import mse_grad' 03_backward.ipynb
"$MB" exercises --check shortcut >out 2>err; rc=$?
check "a shortcut through the library: refused by name, also where it is called, the rest passes, status 1" \
  '[ $rc = 1 ] && [ ! -s err ] && grep -Eq "^03_backward +mse_grad +wrong: uses minibackprop.s mse_grad$" out &&
   grep -Eq "^03_backward +forward_and_backward +wrong: uses minibackprop.s mse_grad$" out &&
   [ "$(grep -c "^03_backward .* passed$" out)" = 2 ] && [ "$(tail -1 out)" = "2 of $n_ex pass" ]'

[ $fails = 0 ] || { echo "exercises_console.sh: $fails check(s) failed" >&2; exit 1; }
echo "exercises_console.sh: all checks passed"
