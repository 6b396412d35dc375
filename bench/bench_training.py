#!/usr/bin/env python
"""Benchmark: one training epoch of our from-scratch MLP vs the idiomatic PyTorch autograd epoch, and the matmul ladder.

Run by hand (not part of the tests), from the repository root or anywhere the package is installed:

    MINIBACKPROP_DATA=/path/to/data python bench/bench_training.py            # defaults: 5 runs, lesson sizes
    python bench/bench_training.py --runs 7 --hidden 128 --threads 2 --json bench/results/latest.json
    python bench/bench_training.py --runs 7 --md bench/RESULTS.md          # the table README shows

Training: every implementation trains one epoch of MNIST (50,000 images) from the same initial weights
(`init_params`) on the same shuffled mini-batches, with plain SGD. Runs are alternated (ours, PyTorch, ours, ...)
so that slow phases of a shared machine hit all of them alike; we report the median of `--runs` epochs and the
ratio ours / PyTorch (below 1 means ours is faster). `Model` is the lesson's clear version built from `Module`s;
`FastMLP` is the library's fused variant, tested equal to it in `nbs/07_training.ipynb`.

Matmul ladder: the rungs of `nbs/02_matmul.ipynb` (`minibackprop.matmul`) on the lesson's 5x784 @ 784x10, and on the
full 10,000x784 validation set for the rungs fast enough; skipped if that module is not available.
"""
from __future__ import annotations
import argparse, json, os, platform, statistics, sys, time
from pathlib import Path
import torch
import torch.nn.functional as F


def cpu_name() -> str:
    "The CPU model from /proc/cpuinfo (Linux), else platform.processor()."
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'): return line.split(':', 1)[1].strip()
    except OSError: pass
    return platform.processor() or 'unknown CPU'


def machine() -> dict:
    return dict(cpu=cpu_name(), cores=os.cpu_count(), threads=torch.get_num_threads(), torch=torch.__version__,
                python=platform.python_version(), platform=platform.platform())


def epoch_fns(x, y, perm, nh: int, bs: int, lr: float, seed: int):
    "Functions that each train one epoch from the same initial weights on the same batches; they return the last loss."
    from minibackprop.backprop import init_params
    from minibackprop.modules import Model
    from minibackprop.losses import CrossEntropy
    from minibackprop.training import FastMLP, torch_mlp, mlp_params, sgd_step
    w0 = init_params(x.shape[1], nh, int(y.max()) + 1, seed=seed)
    batches = [(x[idx], y[idx]) for idx in perm.split(bs)]   # gathered once, outside the timed region

    def model_epoch():                                        # the lesson's Module classes, our backward
        model = Model(*[p.clone() for p in w0], loss=CrossEntropy())
        params = mlp_params(model)
        with torch.no_grad():
            for xb, yb in batches:
                loss = model(xb, yb)
                model.backward()
                sgd_step(params, lr)
        return loss.item()

    def fast_epoch():                                         # the library's fused variant, our backward
        model = FastMLP(*[p.clone() for p in w0])
        with torch.no_grad():
            for xb, yb in batches: loss = model.step(xb, yb, lr)
        return loss.item()

    def torch_epoch():                                        # idiomatic PyTorch: nn.Sequential, autograd, optim.SGD
        model = torch_mlp(*w0)
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        for xb, yb in batches:
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        return loss.item()

    return {'Model (clear)': model_epoch, 'FastMLP (fused)': fast_epoch, 'PyTorch autograd': torch_epoch}


def bench_training(args) -> dict:
    from minibackprop.data import load_mnist
    x_train, y_train, _, _ = load_mnist()
    perm = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(args.seed))
    fns = epoch_fns(x_train, y_train, perm, args.hidden, args.bs, args.lr, args.seed)
    for f in fns.values(): f()                                # warm-up: allocator, MKL, lazy imports
    times = {k: [] for k in fns}
    for r in range(args.runs):                                # alternate the implementations run by run
        order = list(fns) if r % 2 == 0 else list(fns)[::-1]
        for k in order:
            t = time.perf_counter(); fns[k](); times[k].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    ref = med['PyTorch autograd']
    print(f"\none training epoch: 50,000 images, 784-{args.hidden}-10, bs {args.bs}, lr {args.lr}, "
          f"{torch.get_num_threads()} thread(s); median of {args.runs} alternated runs")
    print(f"{'implementation':<18}{'median':>9}{'min':>9}{'max':>9}{'ours/PyTorch':>14}")
    for k, v in times.items():
        ratio = f'{med[k] / ref:.2f}' if k != 'PyTorch autograd' else ''
        print(f'{k:<18}{med[k]:>8.3f}s{min(v):>8.3f}s{max(v):>8.3f}s{ratio:>14}')
    return dict(times=times, median=med, ratio_model=med['Model (clear)'] / ref, ratio_fast=med['FastMLP (fused)'] / ref)


def timeit(f, min_time: float = 0.2, max_reps: int = 1000) -> float:
    "Median seconds per call of `f`, repeating until `min_time` has passed (at least 3 calls)."
    ts, t_end = [], time.perf_counter() + min_time
    while len(ts) < 3 or (time.perf_counter() < t_end and len(ts) < max_reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def bench_matmul(args) -> dict | None:
    try: from minibackprop import matmul as mm
    except ImportError as e:
        print(f'\nmatmul ladder skipped: {e}'); return None
    rungs = [(n, getattr(mm, n, None)) for n in ('matmul_loops', 'matmul_elementwise', 'matmul_broadcast', 'matmul_einsum')]
    rungs = [(n, f) for n, f in rungs if f is not None] + [('a @ b', torch.matmul)]
    torch.manual_seed(1)
    from minibackprop.data import load_mnist
    x_valid = load_mnist()[2]
    w = torch.randn(784, 10)
    small, big = x_valid[:5], x_valid
    res, prev, loops = {}, None, None
    print(f'\nmatmul ladder ({torch.get_num_threads()} thread(s)): seconds per call')
    print(f"{'rung':<20}{'5x784 @ 784x10':>16}{'vs previous':>13}{'vs loops':>10}{'10000x784 @ 784x10':>20}")
    for name, f in rungs:
        t = timeit(lambda: f(small, w), min_time=0.5 if name == 'matmul_loops' else 0.2)
        tb = timeit(lambda: f(big, w)) if name not in ('matmul_loops', 'matmul_elementwise') else None
        loops = loops or t
        res[name] = dict(small=t, big=tb)
        print(f"{name:<20}{t:>16.2e}{(f'{prev / t:.1f}x' if prev else ''):>13}{f'{loops / t:.0f}x':>10}"
              f"{(f'{tb:.2e}' if tb else 'skipped (slow)'):>20}")
        prev = t
    return res


def markdown(out: dict) -> str:
    "The results as the markdown that README shows (written by `--md`)."
    m, a, tr = out['machine'], out['args'], out['training']
    ref = tr['median']['PyTorch autograd']
    lines = [f"Measured {time.strftime('%Y-%m-%d')} by `python bench/bench_training.py --runs {a['runs']}` on {m['cpu']} "
             f"({m['cores']} cores, {m['threads']} torch threads), torch {m['torch']}, Python {m['python']}.", '',
             f"One training epoch (50,000 images, 784-{a['hidden']}-10, bs {a['bs']}, lr {a['lr']}), same weights and batches "
             f"for each, median of {a['runs']} alternated runs:", '',
             '| implementation | median epoch | ours / PyTorch |', '|---|--:|--:|']
    lines += [f"| {k} | {v:.3f} s | {'' if k == 'PyTorch autograd' else f'{v / ref:.2f}'} |" for k, v in tr['median'].items()]
    if out.get('matmul'):
        lines += ['', 'The matmul ladder of `02_matmul` (seconds per call; the two slowest rungs are not run on 10,000 rows):', '',
                  '| rung | 5×784 @ 784×10 | 10,000×784 @ 784×10 |', '|---|--:|--:|']
        for k, v in out['matmul'].items():
            big = '' if v['big'] is None else f"{v['big']:.2e}"
            lines.append(f"| `{k}` | {v['small']:.2e} | {big} |")
    return '\n'.join(lines) + '\n'


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--runs', type=int, default=5, help='timed epochs per implementation (median; at least 5 recommended)')
    p.add_argument('--hidden', type=int, default=50, help='hidden units (the lesson: 50; `minibackprop train`: 128)')
    p.add_argument('--bs', type=int, default=64, help='batch size')
    p.add_argument('--lr', type=float, default=0.5, help='learning rate')
    p.add_argument('--seed', type=int, default=42, help='seed of the initial weights and the shuffling')
    p.add_argument('--threads', type=int, default=0, help='torch threads for every implementation (0: PyTorch default)')
    p.add_argument('--skip-matmul', action='store_true', help='only the training benchmark')
    p.add_argument('--md', type=Path, help='also write the results as markdown to this file (README shows bench/RESULTS.md)')
    p.add_argument('--json', type=Path, help='also write the results to this JSON file (bench/results/ is git-ignored)')
    args = p.parse_args(argv)
    if args.runs < 1 or args.bs < 1 or args.hidden < 1: p.error('--runs, --bs and --hidden must be at least 1')
    if args.threads: torch.set_num_threads(args.threads)
    info = machine()
    print('machine: ' + ', '.join(f'{k} {v}' for k, v in info.items()))
    out = dict(machine=info, args={k: str(v) for k, v in vars(args).items()}, training=bench_training(args))
    if not args.skip_matmul: out['matmul'] = bench_matmul(args)
    tr = out['training']
    print(f"\nratio ours/PyTorch (median epoch): FastMLP {tr['ratio_fast']:.2f}, Model {tr['ratio_model']:.2f}")
    if args.md:
        args.md.write_text(markdown(out))
        print(f'markdown written to {args.md}')
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1))
        print(f'results written to {args.json}')


if __name__ == '__main__': main()
