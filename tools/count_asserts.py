#!/usr/bin/env python3
"""Count the assertions in the notebooks (issue 22: moving tests between notebooks must not lose any).

An assertion is a call of `test_eq`, `test_close`, `test_fail`, `test_ne`, `test_is`, `ExceptionExpected`,
`compare_grads`, `check_grad`, `check_grad_dir`, `_expect`, or an `assert` statement, in a code cell.

    python tools/count_asserts.py              # per notebook and in all, for the working tree
    python tools/count_asserts.py --rev REV    # the same for the notebooks of git revision REV
"""
import argparse, json, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAT = re.compile(r'\b(test_eq|test_close|test_fail|test_ne|test_is|ExceptionExpected|compare_grads|check_grad|check_grad_dir|_expect)\(|^\s*assert\b', re.M)

def count(text: str) -> int:
    "Assertions in the code cells of a notebook's JSON `text`."
    return sum(len(PAT.findall(''.join(c['source']))) for c in json.loads(text)['cells'] if c['cell_type'] == 'code')

def notebooks(rev):
    "`{path: json text}` of nbs/**/*.ipynb in the working tree or at `rev`."
    if rev is None: return {str(p.relative_to(ROOT)): p.read_text(encoding='utf-8') for p in sorted((ROOT/'nbs').rglob('*.ipynb')) if '.ipynb_checkpoints' not in str(p)}
    names = subprocess.run(['git', 'ls-tree', '-r', '--name-only', rev, 'nbs'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return {n: subprocess.run(['git', 'show', f'{rev}:{n}'], cwd=ROOT, capture_output=True, text=True, check=True).stdout for n in names if n.endswith('.ipynb')}

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0]); p.add_argument('--rev')
    nbs = notebooks(p.parse_args(argv).rev)
    counts = {k: count(v) for k, v in nbs.items()}
    for k, v in counts.items(): print(f'{k:<45}{v:>5}')
    print(f"{'total':<45}{sum(counts.values()):>5}")
    return 0

if __name__ == '__main__': sys.exit(main())
