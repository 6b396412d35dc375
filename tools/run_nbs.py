#!/usr/bin/env python3
"""Run notebooks as JupyterLab's "Run All" does: each in a fresh ipykernel (through nbclient), in its own folder.

`nbdev_test` runs notebooks in-process with execnb and skips `#| slow` cells; a learner's Run All runs every cell in
a real kernel, where `breakpoint()`, `sys.argv`, display and the working directory behave differently. This script
checks that path. It stops at a notebook's first error, as Run All does, prints the failing cell and its error, and
goes on with the next notebook; it exits 1 if any failed.

    python tools/run_nbs.py                      # every notebook under nbs/, exercises included
    python tools/run_nbs.py --learner            # the story, the companions, the exercises and index (as CI does)
    python tools/run_nbs.py nbs/04_backprop.ipynb
    python tools/run_nbs.py --write              # also save the outputs into the notebooks (then run nbdev_clean)
    python tools/run_nbs.py --md tools/RUN_ALL.md   # write the per-notebook Run All times as a markdown table
"""
import argparse, os, platform, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent

LEARNER = range(0, 13)   # 00_utils, the story 01-08 and the companions 09-12: what a learner opens and runs

def notebooks(paths: list, learner: bool=False) -> list:
    "The notebooks to run: `paths`, or every notebook under nbs/ in reading order (exercises last); `learner`: only theirs."
    if paths: return [Path(p).resolve() for p in paths]
    nbs = ROOT/'nbs'
    numbered = [p for p in sorted(nbs.glob('[0-9]*.ipynb')) if not learner or int(p.name[:2]) in LEARNER]
    return numbered + sorted((nbs/'exercises').glob('*.ipynb')) + [nbs/'index.ipynb']

def run(path: Path, write: bool, timeout: int) -> tuple:
    "Execute the notebook at `path` in a fresh kernel; return `(seconds, error message or None)`."
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}})
    t0, err = time.perf_counter(), None
    try: client.execute()
    except CellExecutionError as e: err = str(e)
    except Exception as e: err = f'{type(e).__name__}: {e}'
    secs = time.perf_counter() - t0
    if write and err is None: nbformat.write(nb, path)
    return secs, err

def main(argv=None) -> int:
    os.environ.pop('MPLBACKEND', None)       # the kernel picks the inline backend, as in JupyterLab, so plots are saved
    os.environ.pop('IN_TEST', None)          # nbdev_test's marker: a learner's kernel does not have it
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('paths', nargs='*', help='notebooks to run (default: all under nbs/)')
    p.add_argument('--write', action='store_true', help='save the executed outputs into the notebooks')
    p.add_argument('--learner', action='store_true', help="only the learner's notebooks: 00-12, the exercises and index "
                   '(the deep dives and the practice proofs are run by nbdev_test)')
    p.add_argument('--md', help='write the Run All times to this markdown file')
    p.add_argument('--timeout', type=int, default=600, help='seconds allowed for one cell')
    args = p.parse_args(argv)
    rows, failed = [], []
    for path in notebooks(args.paths, args.learner):
        name = path.relative_to(ROOT/'nbs') if path.is_relative_to(ROOT/'nbs') else path.name
        secs, err = run(path, args.write, args.timeout)
        print(f"{'FAIL' if err else 'ok':4} {secs:6.1f}s  {name}", flush=True)
        if err: failed.append(name); print(err[-3000:], file=sys.stderr, flush=True)
        rows.append((name, secs))
    if args.md:
        lines = [f'| notebook | Run All (s) |', '|---|--:|'] + [f'| {n} | {s:.0f} |' for n, s in rows]
        lines.append(f'\nMeasured by `tools/run_nbs.py` on {platform.machine()}, {_cores()} cores, one notebook at a time.')
        Path(args.md).write_text('\n'.join(lines) + '\n', encoding='utf-8')
    print(f'run all in a Jupyter kernel: {len(rows) - len(failed)} passed, {len(failed)} failed')
    return 1 if failed else 0

def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()

if __name__ == '__main__': sys.exit(main())
