#!/usr/bin/env python3
"""Check that each numbered notebook imports only from itself and earlier notebooks (issue 17: no forward imports).

A notebook's modules are those its `#| default_exp` names; an import is any `from minibackprop.X import ...` or
`import minibackprop.X` in any of its code cells (its exported module's and its tests' alike). `index.ipynb` (the
README, a tour of the finished library) and the blank exercise notebooks (a learner's, after the series) are not
part of the chain. Exits 1 and lists every forward import found.

    python tools/check_imports.py
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMPORT = re.compile(r'^\s*(?:from\s+minibackprop\.([\w.]+)\s+import|import\s+minibackprop\.([\w.]+))', re.M)
EXP = re.compile(r'^#\|\s*default_exp\s+(\S+)', re.M)

def sources(nb: Path) -> str:
    "All code of the notebook `nb`, cell after cell."
    return '\n'.join(''.join(c['source']) for c in json.loads(nb.read_text(encoding='utf-8'))['cells'] if c['cell_type'] == 'code')

def main() -> int:
    nbs = sorted((ROOT/'nbs').glob('[0-9][0-9]_*.ipynb'))
    code = {nb: sources(nb) for nb in nbs}
    home = {m: int(nb.name[:2]) for nb, src in code.items() for m in EXP.findall(src)}
    bad = []
    for nb, src in code.items():
        for a, b in IMPORT.findall(src):
            mod = a or b
            if mod not in home:      # a package (minibackprop.practice): built with its first module
                first = [n for m, n in home.items() if m.startswith(mod + '.')]
                if first: home[mod] = min(first)
            if mod not in home: bad.append(f'{nb.name}: imports minibackprop.{mod}, which no notebook exports')
            elif home[mod] > int(nb.name[:2]): bad.append(f'{nb.name}: imports minibackprop.{mod}, built later in {home[mod]:02d}')
    for line in dict.fromkeys(bad): print(line)
    print(f'{len(nbs)} notebooks: ' + ('each imports only from itself and earlier ones' if not bad else f'{len(set(bad))} forward import(s)'))
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main())
