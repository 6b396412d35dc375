#!/usr/bin/env python
"""Run a notebook's cells flagged `#| FLAG` (e.g. `cuda`) as plain Python: no Jupyter, no nbdev, no matplotlib needed.

For a machine that has the package's runtime (torch, numpy, fastcore) but not the dev tools, such as a lent GPU
machine (`tools/device_check.sh`). It runs, in one namespace, the notebook's setup (its code cells before the first
`## ` heading: imports, data, sizes), then the module it exports (`from minibackprop.<default_exp> import *`, so the
flagged cells use the library's own code), then every cell flagged `#| FLAG`, in order. A failing cell stops the run
with its error and a non-zero exit.

`--dry-run-on-cpu` reports CUDA as available and reads every `'cuda'` as `'cpu'`, so the cells run on a machine
without a GPU. That is a crash check only: on the CPU `Graphed` runs the eager step, so "graph against eager" compares
eager with eager and can never fail on a graph bug; only a real GPU tests the graph.
"""
from __future__ import annotations
import argparse, importlib, json, re, sys, types
from pathlib import Path


def stub(name: str, **attrs):
    "Put an empty module `name` (with `attrs`) in `sys.modules` if the real one cannot be imported."
    try: importlib.import_module(name)
    except ImportError:
        for part in [name.rsplit('.', i)[0] for i in reversed(range(name.count('.') + 1))]:
            sys.modules.setdefault(part, types.ModuleType(part))
        sys.modules[name].__dict__.update(attrs)


def cells(nb: dict, flag: str) -> tuple[list[str], str | None, list[str]]:
    "The setup cells' sources, the exported module's name, and the sources of the cells flagged `flag`."
    srcs = [(c['cell_type'], ''.join(c['source'])) for c in nb['cells']]
    first_h2 = next((i for i, (t, s) in enumerate(srcs) if t == 'markdown' and s.lstrip().startswith('## ')), len(srcs))
    setup = [s for t, s in srcs[:first_h2] if t == 'code' and not s.startswith('#| default_exp')]
    mod = next((m[1] for _, s in srcs if (m := re.match(r'#\|\s*default_exp\s+(\S+)', s))), None)
    flagged = [s for t, s in srcs if t == 'code' and re.match(rf'#\|\s*{re.escape(flag)}\s*$', s.splitlines()[0] if s else '')]
    return setup, mod, flagged


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('notebook', type=Path)
    p.add_argument('--flag', default='cuda', help='run the cells flagged `#| FLAG` (default: cuda)')
    p.add_argument('--dry-run-on-cpu', action='store_true',
                   help="run the flagged cells on the CPU as if CUDA were there ('cuda' read as 'cpu'): catches a cell that crashes, not a GPU bug")
    a = p.parse_args(argv)
    setup, mod, flagged = cells(json.loads(a.notebook.read_text()), a.flag)
    if not flagged: p.error(f'{a.notebook} has no cell flagged #| {a.flag}')
    stub('nbdev.showdoc', show_doc=lambda *args, **kw: None)
    stub('matplotlib.pyplot')
    if a.dry_run_on_cpu:
        import torch
        torch.cuda.is_available, torch.cuda.get_device_name = (lambda: True), (lambda *_: 'CPU (dry run, no CUDA)')
        flagged = [s.replace("'cuda'", "'cpu'") for s in flagged]
    ns = {'__name__': '__main__'}
    for i, src in enumerate(setup + ([f'from minibackprop.{mod} import *'] if mod else []) + flagged):
        what = 'setup' if i < len(setup) else ('import' if i == len(setup) and mod else f'#| {a.flag} cell')
        print(f'--- {what}: {src.splitlines()[0][:100]}', flush=True)
        exec(compile(src, f'{a.notebook.name} ({what})', 'exec'), ns)
    print(f'{a.notebook.name}: {len(flagged)} cell(s) flagged #| {a.flag} ran without an error')


if __name__ == '__main__': main()
