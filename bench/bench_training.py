#!/usr/bin/env python
"""Benchmark: one training epoch of our from-scratch MLP vs the idiomatic PyTorch autograd epoch, and the matmul ladder.

Run by hand (not part of the tests), from the repository root or anywhere the package is installed:

    MINIBACKPROP_DATA=/path/to/data python bench/bench_training.py            # defaults: 5 runs, lesson sizes
    python bench/bench_training.py --runs 7 --hidden 128,64 --threads 2 --json bench/results/latest.json
    python bench/bench_training.py --device cuda --skip-matmul --md bench/RESULTS_cuda.md   # on a GPU (tools/device_check.sh)
    python bench/bench_training.py --runs 7 --md bench/RESULTS.md          # the table README shows

Training: every implementation trains one epoch of MNIST (50,000 images) from the same initial weights
(`init_params`) on the same shuffled mini-batches, with plain SGD, by calling the library's own training step
(`Model.step`, `FastMLP.step`, `TorchModel.step`: nothing is re-implemented here). Two more rows put the `Learner`
beside a plain loop: `FastMLP`'s epoch through `Learner.fit` with `fit`'s callbacks, and the same steps in a plain
`for` loop, both gathering each batch as they go. Timing is `compare_ms` of
`minibackprop.matmul` (`torch.utils.benchmark`, the implementations measured in turn, round after round, so that
slow phases of a shared machine hit all of them alike); we report the median of `--runs` rounds. Beside them, the
BLAS floor: the same epoch's matrix products alone (`x@w1`, `h@w2`, `g@w2.T`, `h.T@g`, `x.T@hg`), the least any
implementation of this network must spend. `Model` is the lesson's clear version built from `Module`s; `FastMLP`
is the library's fused variant, tested equal to it in `nbs/22_training_checks.ipynb`. On CUDA two more rows: `FastMLP`
replayed as a CUDA graph (`Graphed`), and the same epoch on this machine's CPU (`FastMLP` and autograd), so that the
graph is measured against autograd on the same GPU and against the CPU in one run.

Matmul ladder: the rungs of `nbs/02_matmul.ipynb` (`minibackprop.matmul`) on the lesson's 5x784 @ 784x10, and on the
full 10,000x784 validation set for the rungs fast enough; skipped if that module is not available.
"""
from __future__ import annotations
import argparse, json, os, platform, time
from pathlib import Path
import torch


def cpu_name() -> str:
    "The CPU model from /proc/cpuinfo (Linux), else platform.processor()."
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'): return line.split(':', 1)[1].strip()
    except OSError: pass
    return platform.processor() or 'unknown CPU'


def machine(device: str = 'cpu') -> dict:
    "What the numbers were measured on; `gpu` names the card when `device` is CUDA."
    gpu = dict(gpu=torch.cuda.get_device_name(device)) if device.startswith('cuda') else {}
    return dict(cpu=cpu_name(), cores=os.cpu_count(), threads=torch.get_num_threads(), **gpu, torch=torch.__version__,
                python=platform.python_version(), platform=platform.platform())


def floor_fn(batches, params):
    "One epoch of the matrix products alone (per batch and layer: `h @ w` forward, `g @ w.T` and `h.T @ g` backward; no `g @ w1.T` for the images)."
    ws = params[::2]
    def run():
        for xb, _ in batches:
            hs = [xb]
            for w in ws: hs.append(hs[-1] @ w)
            g = hs[-1]
            for i in reversed(range(len(ws))):
                hs[i].T @ g
                if i: g = g @ ws[i].T
    return run


def epoch_fns(x, y, perm, nh, bs: int, lr: float, seed: int, gpu_rows: bool = False) -> dict:
    "Functions that each train one epoch with the library's `step` from the same initial weights on the same batches, and the BLAS floor; `gpu_rows` (on by default on CUDA) adds the CUDA graph, and the CPU for comparison."
    from minibackprop.training import init_params
    from minibackprop.modules import Model
    from minibackprop.losses import CrossEntropy
    from minibackprop.training import torch_mlp
    from minibackprop.learner import TorchModel
    from minibackprop.speed import FastMLP, Graphed
    w0 = [p.to(x.device) for p in init_params(x.shape[1], nh, int(y.max()) + 1, seed=seed)]
    batches = [(x[idx], y[idx]) for idx in perm.split(bs)]   # gathered once, outside the timed region
    def epoch(make, batches=batches):
        def run():
            model = make()
            for xb, yb in batches: loss = model.step(xb, yb, lr)
            return loss
        return run
    fns = {'BLAS floor': floor_fn(batches, w0),
           'Model (clear)': epoch(lambda: Model(*[p.clone() for p in w0], loss=CrossEntropy())),
           'FastMLP (fused)': epoch(lambda: FastMLP(*[p.clone() for p in w0]))}
    if gpu_rows:
        fns['FastMLP (CUDA graph)'] = epoch(lambda: Graphed(FastMLP(*[p.clone() for p in w0])))
        cpu = [(xb.cpu(), yb.cpu()) for xb, yb in batches]          # the same epoch on this machine's CPU, for comparison
        fns['FastMLP (fused), CPU'] = epoch(lambda: FastMLP(*[p.to('cpu', copy=True) for p in w0]), cpu)
        fns['PyTorch autograd, CPU'] = epoch(lambda: TorchModel(torch_mlp(*[p.cpu() for p in w0])), cpu)
    fns.update(learner_rows(x, y, perm, w0, bs, lr, seed))
    return {**fns, 'PyTorch autograd': epoch(lambda: TorchModel(torch_mlp(*w0)))}


def learner_rows(x, y, perm, w0, bs: int, lr: float, seed: int) -> dict:
    "`FastMLP`'s epoch through the `Learner` with `fit`'s callbacks, beside the same plain loop (batches gathered per step in both)."
    from minibackprop.learner import Learner, History, DivergenceCheck, StallCheck, Metrics, LinearDecay
    from minibackprop.losses import accuracy
    from minibackprop.speed import FastMLP
    def plain():
        model = FastMLP(*[p.clone() for p in w0])
        for idx in perm.split(bs): loss = model.step(x[idx], y[idx], lr)
        return loss
    cbs = [History(), DivergenceCheck(), StallCheck(), Metrics(acc=accuracy), LinearDecay()]
    learn = Learner(FastMLP(*[p.clone() for p in w0]), x, y, x[:bs], y[:bs], bs=bs, lr=lr, seed=seed, cbs=cbs)   # data checked once, here
    return {'FastMLP, plain loop': plain, 'FastMLP, Learner + callbacks': lambda: learn.fit(1)}


def bench_training(args) -> dict:
    from minibackprop.data import load_mnist
    from minibackprop.utils import compare_ms
    x_train, y_train, _, _ = load_mnist()
    x_train, y_train = x_train.to(args.device), y_train.to(args.device)
    perm = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(args.seed)).to(args.device)
    fns = epoch_fns(x_train, y_train, perm, args.hidden, args.bs, args.lr, args.seed, gpu_rows=x_train.is_cuda)
    for f in fns.values(): f()                                # warm-up: allocator, MKL, lazy imports
    med = {k: v / 1e3 for k, v in compare_ms(fns, rounds=args.runs, min_run_time=0.05, threads=torch.get_num_threads()).items()}
    ratios = dict(model_autograd=med['Model (clear)'] / med['PyTorch autograd'], fast_floor=med['FastMLP (fused)'] / med['BLAS floor'],
                  fast_autograd=med['FastMLP (fused)'] / med['PyTorch autograd'],
                  learner_loop=med['FastMLP, Learner + callbacks'] / med['FastMLP, plain loop'])
    if 'FastMLP (CUDA graph)' in med:          # issue 13's targets: >= 5x faster than autograd on the GPU, faster than the CPU
        g = med['FastMLP (CUDA graph)']
        ratios.update(autograd_graph=med['PyTorch autograd'] / g, cpu_graph=med['FastMLP (fused), CPU'] / g)
    print(f"\none training epoch on {args.device}: 50,000 images, 784-{args.hidden}-10, bs {args.bs}, lr {args.lr}, "
          f"{torch.get_num_threads()} thread(s); median of {args.runs} rounds (compare_ms: the implementations in turn)")
    print(f"{'implementation':<30}{'median':>9}{'/ floor':>9}{'/ PyTorch':>11}")
    for k, v in med.items():
        print(f"{k:<30}{v:>8.3f}s{v / med['BLAS floor']:>9.2f}{v / med['PyTorch autograd']:>11.2f}")
    return dict(median=med, **ratios)


def bench_matmul(args) -> dict | None:
    from minibackprop.utils import time_ms
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
    th = torch.get_num_threads()
    print(f'\nmatmul ladder ({th} thread(s)): seconds per call')
    print(f"{'rung':<20}{'5x784 @ 784x10':>16}{'vs previous':>13}{'vs loops':>10}{'10000x784 @ 784x10':>20}")
    for name, f in rungs:
        t = time_ms(lambda: f(small, w), 0.5 if name == 'matmul_loops' else 0.2, th) / 1e3
        tb = time_ms(lambda: f(big, w), 0.2, th) / 1e3 if name not in ('matmul_loops', 'matmul_elementwise') else None
        loops = loops or t
        res[name] = dict(small=t, big=tb)
        print(f"{name:<20}{t:>16.2e}{(f'{prev / t:.1f}x' if prev else ''):>13}{f'{loops / t:.0f}x':>10}"
              f"{(f'{tb:.2e}' if tb else 'skipped (slow)'):>20}")
        prev = t
    return res


def markdown(out: dict) -> str:
    "The results as the markdown that README shows (written by `--md`)."
    m, a, tr = out['machine'], out['args'], out['training']
    med, floor, ref = tr['median'], tr['median']['BLAS floor'], tr['median']['PyTorch autograd']
    on = f"{m['gpu']} (device {a['device']}), beside {m['cpu']}" if m.get('gpu') else m['cpu']
    lines = [f"Measured {time.strftime('%Y-%m-%d')} by `python bench/bench_training.py --runs {a['runs']}"
             f"{' --device ' + a['device'] if a['device'] != 'cpu' else ''}` on {on} "
             f"({m['cores']} cores, {m['threads']} torch threads{'' if m.get('gpu') else ', device cpu'}), torch {m['torch']}, Python {m['python']}."
             + (f" {a['note']}" if a.get('note') else ''), '',
             f"One training epoch (50,000 images, 784-{a['hidden']}-10, bs {a['bs']}, lr {a['lr']}), same weights and batches "
             f"for each, each implementation's library `step`; median of {a['runs']} rounds of `compare_ms` (the implementations "
             "timed in turn). The BLAS floor is the epoch's matrix products alone (`x@w1`, `h@w2`, `g@w2.T`, `h.T@g`, `x.T@hg`):", '',
             '| implementation | median epoch | / BLAS floor | / PyTorch |', '|---|--:|--:|--:|']
    lines += [f"| {k} | {v:.3f} s | {v / floor:.2f} | {v / ref:.2f} |" for k, v in med.items()]
    lines += ['', f"`FastMLP, Learner + callbacks` is one `Learner.fit(1)` with `fit`'s callbacks (history, divergence and stall checks, "
                  f"accuracy) and `LinearDecay`, validating on one batch; beside the same steps in a plain loop it takes {tr['learner_loop']:.2f}x "
                  "the time: the loop and its events add no device sync and a few calls per step."]
    if 'autograd_graph' in tr:
        lines += ['', f"On {m['gpu']}, the CUDA-graph epoch is {tr['autograd_graph']:.1f}x faster than PyTorch's autograd epoch on "
                      f"the same GPU and {tr['cpu_graph']:.1f}x faster than `FastMLP` on this machine's CPU ({m['threads']} torch threads). "
                      "`/ BLAS floor` and `/ PyTorch` compare with the GPU's floor and autograd."]
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
    p.add_argument('--hidden', type=lambda s: [int(v) for v in s.split(',')] if ',' in s else int(s), default=50,
                   help='hidden units, or widths separated by commas (the lesson: 50; `minibackprop train`: 128)')
    p.add_argument('--device', default='cpu', help='cpu or cuda')
    p.add_argument('--note', default='', help='a sentence for the markdown, e.g. about the load on the machine')
    p.add_argument('--bs', type=int, default=64, help='batch size')
    p.add_argument('--lr', type=float, default=0.5, help='learning rate')
    p.add_argument('--seed', type=int, default=42, help='seed of the initial weights and the shuffling')
    p.add_argument('--threads', type=int, default=0, help='torch threads for every implementation (0: PyTorch default)')
    p.add_argument('--skip-matmul', action='store_true', help='only the training benchmark')
    p.add_argument('--md', type=Path, help='also write the results as markdown to this file (README shows bench/RESULTS.md)')
    p.add_argument('--json', type=Path, help='also write the results to this JSON file (bench/results/ is git-ignored)')
    args = p.parse_args(argv)
    if args.runs < 1 or args.bs < 1 or min([args.hidden] if isinstance(args.hidden, int) else args.hidden) < 1: p.error('--runs, --bs and --hidden must be at least 1')
    if args.device.startswith('cuda') and not torch.cuda.is_available(): p.error('--device cuda: CUDA is not available')
    if args.threads: torch.set_num_threads(args.threads)
    info = machine(args.device)
    print('machine: ' + ', '.join(f'{k} {v}' for k, v in info.items()))
    out = dict(machine=info, args={k: str(v) for k, v in vars(args).items()}, training=bench_training(args))
    out['args']['hidden'] = '-'.join(map(str, args.hidden)) if isinstance(args.hidden, list) else str(args.hidden)
    if not args.skip_matmul: out['matmul'] = bench_matmul(args)
    tr = out['training']
    print(f"\nratios (median epoch): FastMLP / BLAS floor {tr['fast_floor']:.2f}, Model / PyTorch {tr['model_autograd']:.2f}, "
          f"FastMLP / PyTorch {tr['fast_autograd']:.2f}, Learner / plain loop {tr['learner_loop']:.2f}")
    if 'autograd_graph' in tr:
        print(f"CUDA graph: {tr['autograd_graph']:.1f}x faster than autograd on the GPU (target >= 5), "
              f"{tr['cpu_graph']:.1f}x faster than FastMLP on the CPU (target > 1)")
    if args.md:
        args.md.write_text(markdown(out))
        print(f'markdown written to {args.md}')
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1))
        print(f'results written to {args.json}')


if __name__ == '__main__': main()
