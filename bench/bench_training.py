#!/usr/bin/env python
"""Benchmark: one training epoch of our from-scratch MLP beside PyTorch's autograd epoch and the BLAS floor, and the matmul ladder.

Run by hand (not part of the tests), from the repository root or anywhere the package is installed:

    MINIBACKPROP_DATA=/path/to/data python bench/bench_training.py                # defaults: 5 rounds, 1 and 2 threads
    python bench/bench_training.py --runs 7 --threads 1,2 --md bench/RESULTS.md    # the table README shows
    python bench/bench_training.py --device cuda --threads 1 --skip-matmul --md bench/RESULTS_cuda.md   # on a GPU

Training: every implementation trains one epoch of MNIST (50,000 images) from the same initial weights (`init_params`)
on the same shuffled mini-batches (gathered once, outside the timed region), with plain SGD at a constant rate, through
the library's own interface: `loss = model.loss(model(xb), yb); model.backward(loss); opt.step(); opt.zero_grad()`,
the optimiser the library's `SGD` for ours and `torch.optim.SGD` for autograd (nothing is re-implemented here):

- **BLAS floor**: the epoch's matrix products alone (`x@w1`, `h@w2`, `g@w2.T`, `h.T@g`, `x.T@hg`), the least any
  implementation of this network must spend;
- **Model (clear)**: the lesson's `Model` of `Module`s with `CrossEntropy`;
- **FastMLP (fused)**: the library's fused variant (`nbs/21_speed.ipynb`, tested equal to `Model`);
- **PyTorch autograd**: `torch_mlp`'s `nn.Sequential`, `F.cross_entropy`, `loss.backward()`, `torch.optim.SGD`;
- **minibackprop train**: what the command runs, one `Learner.fit(1)` of `FastMLP`: the shuffle, a batch gathered per
  step, the five steps and the events, with the callbacks that run every epoch (`DivergenceCheck`, `Metrics`,
  `StallCheck`, `LinearDecay`); `CheckData`, which runs once per fit, and validation (here on one batch; the command
  validates 10,000 rows, about a tenth of an epoch) are left out.

The implementations are timed in turn, round after round, by `compare_ms` of `minibackprop.utils`
(`torch.utils.benchmark`), so that slow phases of a shared machine hit all of them alike; the median of `--runs`
rounds is reported, for each thread count of `--threads`. On CUDA two more rows: `FastMLP` replayed as a CUDA graph
(`Graphed`), and `FastMLP` on this machine's CPU.

Matmul ladder: the rungs of `nbs/02_matmul.ipynb` (`minibackprop.matmul`) on the lesson's 5x784 @ 784x10, and on the
full 10,000x784 validation set for the rungs fast enough.
"""
from __future__ import annotations
import argparse, json, os, platform, time
from pathlib import Path
import torch
import torch.nn.functional as F

TARGETS = {'minibackprop train / floor': 1.5, 'FastMLP / floor': 1.3, 'Model / PyTorch': 0.9}   # issue 27's


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
    return dict(cpu=cpu_name(), cores=os.cpu_count(), **gpu, torch=torch.__version__, python=platform.python_version(),
                platform=platform.platform())


def floor_fn(batches, params):
    "One epoch of the matrix products alone (per batch and layer: `h @ w`, `g @ w.T`, `h.T @ g`; no `g @ w1.T`)."
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


def steps_fn(make, opt_func, batches, lr: float):
    "One epoch of the library's training step for a fresh `make()` model: forward, loss, backward, `opt.step()`, `zero_grad()`."
    def run():
        model = make(); opt = opt_func(model.parameters(), lr)
        for xb, yb in batches:
            loss = model.loss(model(xb), yb); model.backward(loss); opt.step(); opt.zero_grad()
        return loss
    return run


def epoch_fns(x, y, perm, nh, bs: int, lr: float, seed: int, gpu_rows: bool = False) -> dict:
    "The timed functions: the floor, each implementation's epoch, and the command's `Learner` epoch."
    from minibackprop.modules import Model, TorchModel, torch_mlp, init_params
    from minibackprop.losses import CrossEntropy
    from minibackprop.optim import SGD
    from minibackprop.speed import FastMLP, Graphed
    from minibackprop.learner import Learner
    from minibackprop.callbacks import usual_cbs, CheckData, LinearDecay
    w0 = [p.to(x.device) for p in init_params(x.shape[1], nh, int(y.max()) + 1, seed=seed)]
    batches = [(x.index_select(0, idx), y.index_select(0, idx)) for idx in perm.split(bs)]
    clone = lambda: [p.clone() for p in w0]
    fns = {'BLAS floor': floor_fn(batches, w0),
           'Model (clear)': steps_fn(lambda: Model(*clone(), loss=CrossEntropy()), SGD, batches, lr),
           'FastMLP (fused)': steps_fn(lambda: FastMLP(*clone()), SGD, batches, lr)}
    if gpu_rows:
        cpu = [(xb.cpu(), yb.cpu()) for xb, yb in batches]
        fns['FastMLP (CUDA graph)'] = steps_fn(lambda: Graphed(FastMLP(*clone())), SGD, batches, lr)
        fns['FastMLP, CPU'] = steps_fn(lambda: FastMLP(*[p.cpu() for p in w0]), SGD, cpu, lr)
    cbs = [cb for cb in usual_cbs(True, progress=False) if not isinstance(cb, CheckData)] + [LinearDecay()]
    learn = Learner(FastMLP(*clone()), x, y, x[:bs], y[:bs], bs=bs, lr=lr, seed=seed, cbs=cbs)
    fns['minibackprop train (Learner + callbacks)'] = lambda: learn.fit(1)
    fns['PyTorch autograd'] = steps_fn(lambda: TorchModel(torch_mlp(*w0)), torch.optim.SGD, batches, lr)
    return fns


def bench_training(args, threads: int) -> dict:
    "Median seconds per epoch of each row at `threads` torch threads, and the ratios of issue 27's targets."
    from minibackprop.data import load_mnist
    from minibackprop.utils import compare_ms
    torch.set_num_threads(threads)
    x_train, y_train, _, _ = load_mnist()
    x_train, y_train = x_train.to(args.device), y_train.to(args.device)
    perm = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(args.seed)).to(args.device)
    fns = epoch_fns(x_train, y_train, perm, args.hidden, args.bs, args.lr, args.seed, gpu_rows=x_train.is_cuda)
    for f in fns.values(): f()                                # warm-up: allocator, MKL, lazy imports
    med = {k: v / 1e3 for k, v in compare_ms(fns, rounds=args.runs, min_run_time=0.05, threads=threads).items()}
    floor, ref = med['BLAS floor'], med['PyTorch autograd']
    ratios = {'minibackprop train / floor': med['minibackprop train (Learner + callbacks)'] / floor,
              'FastMLP / floor': med['FastMLP (fused)'] / floor, 'Model / PyTorch': med['Model (clear)'] / ref}
    if 'FastMLP (CUDA graph)' in med:          # issue 30's: >= 5x faster than autograd on the GPU, faster than the CPU
        ratios.update({'PyTorch / CUDA graph': ref / med['FastMLP (CUDA graph)'],
                       'CPU / CUDA graph': med['FastMLP, CPU'] / med['FastMLP (CUDA graph)']})
    print(f"\none training epoch on {args.device}, {threads} thread(s): 50,000 images, 784-{args.hidden}-10, bs {args.bs}, "
          f"lr {args.lr}; median of {args.runs} rounds")
    print(f"{'implementation':<42}{'median':>9}{'/ floor':>9}{'/ PyTorch':>11}")
    for k, v in med.items(): print(f"{k:<42}{v:>8.3f}s{v / floor:>9.2f}{v / ref:>11.2f}")
    for k, v in ratios.items(): print(f"{k:<42}{v:>8.2f}" + (f"   (target <= {TARGETS[k]})" if k in TARGETS else ''))
    return dict(median=med, ratios=ratios)


def bench_matmul(args) -> dict:
    "Seconds per call of each rung of the matmul ladder, on 5 rows and (for the fast rungs) on 10,000."
    from minibackprop.utils import time_ms
    from minibackprop import matmul as mm
    from minibackprop.data import load_mnist
    torch.set_num_threads(1)
    rungs = [(n, getattr(mm, n)) for n in ('matmul_loops', 'matmul_elementwise', 'matmul_broadcast', 'matmul_einsum')]
    rungs.append(('a @ b', torch.matmul))
    torch.manual_seed(1)
    x_valid, w = load_mnist()[2], torch.randn(784, 10)
    res = {}
    for name, f in rungs:
        small = time_ms(lambda: f(x_valid[:5], w), 0.5 if name == 'matmul_loops' else 0.2) / 1e3
        big = None if name in ('matmul_loops', 'matmul_elementwise') else time_ms(lambda: f(x_valid, w), 0.2) / 1e3
        res[name] = dict(small=small, big=big)
        print(f"{name:<20}{small:>12.2e}{(f'{big:.2e}' if big else 'skipped (slow)'):>16}")
    return res


def markdown(out: dict) -> str:
    "The results as the markdown that README shows (written by `--md`)."
    m, a, tr = out['machine'], out['args'], out['training']
    on = f"{m['gpu']} (device {a['device']}), beside {m['cpu']}" if m.get('gpu') else m['cpu']
    ths = list(tr)
    lines = [f"Measured {time.strftime('%Y-%m-%d')} by `python bench/bench_training.py --runs {a['runs']} --threads {a['threads']}"
             f"{' --device ' + a['device'] if a['device'] != 'cpu' else ''}` on {on} ({m['cores']} cores), "
             f"torch {m['torch']}, Python {m['python']}." + (f" {a['note']}" if a.get('note') else ''), '',
             f"One training epoch (50,000 images, 784-{a['hidden']}-10, bs {a['bs']}, lr {a['lr']}), the same weights and "
             f"batches for each; median of {a['runs']} rounds of `compare_ms` (the rows timed in turn), at "
             + ' and '.join(f'{t} thread(s)' for t in ths) + '. The BLAS floor is the epoch\'s matrix products alone:', '',
             '| implementation | ' + ' | '.join(f'{t} thr: epoch | / floor | / PyTorch' for t in ths) + ' |',
             '|---|' + '--:|--:|--:|' * len(ths)]
    for k in tr[ths[0]]['median']:
        cells = [f"{tr[t]['median'][k]:.3f} s | {tr[t]['median'][k] / tr[t]['median']['BLAS floor']:.2f} | "
                 f"{tr[t]['median'][k] / tr[t]['median']['PyTorch autograd']:.2f}" for t in ths]
        lines.append(f'| {k} | ' + ' | '.join(cells) + ' |')
    lines += ['', "Issue 27's targets, measured:", '', '| ratio | target | ' + ' | '.join(f'{t} thread(s)' for t in ths) + ' |',
              '|---|--:|' + '--:|' * len(ths)]
    for k in tr[ths[0]]['ratios']:
        lines.append(f"| {k} | {'≤ ' + str(TARGETS[k]) if k in TARGETS else ''} | " + ' | '.join(f"{tr[t]['ratios'][k]:.2f}" for t in ths) + ' |')
    if out.get('matmul'):
        lines += ['', 'The matmul ladder of `02_matmul` (seconds per call, 1 thread; the two slowest rungs are not run on 10,000 rows):',
                  '', '| rung | 5×784 @ 784×10 | 10,000×784 @ 784×10 |', '|---|--:|--:|']
        lines += [f"| `{k}` | {v['small']:.2e} | {'' if v['big'] is None else format(v['big'], '.2e')} |" for k, v in out['matmul'].items()]
    return '\n'.join(lines) + '\n'


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--runs', type=int, default=5, help='rounds of timing (the median is reported; 5 or more)')
    p.add_argument('--hidden', type=lambda s: [int(v) for v in s.split(',')] if ',' in s else int(s), default=50,
                   help='hidden units, or widths separated by commas (the lesson: 50; `minibackprop train`: 128)')
    p.add_argument('--device', default='cpu', help='cpu or cuda')
    p.add_argument('--note', default='', help='a sentence for the markdown, e.g. about the load on the machine')
    p.add_argument('--bs', type=int, default=64, help='batch size')
    p.add_argument('--lr', type=float, default=0.5, help='learning rate')
    p.add_argument('--seed', type=int, default=42, help='seed of the initial weights and the shuffling')
    p.add_argument('--threads', default='1,2', help='torch thread counts, separated by commas (each gets its own table)')
    p.add_argument('--skip-matmul', action='store_true', help='only the training benchmark')
    p.add_argument('--md', type=Path, help='also write the results as markdown to this file (README shows bench/RESULTS.md)')
    p.add_argument('--json', type=Path, help='also write the results to this JSON file (bench/results/ is git-ignored)')
    args = p.parse_args(argv)
    threads = [int(t) for t in args.threads.split(',')]
    if args.runs < 1 or args.bs < 1 or min(threads) < 1: p.error('--runs, --bs and --threads must be at least 1')
    if args.device.startswith('cuda') and not torch.cuda.is_available(): p.error('--device cuda: CUDA is not available')
    info = machine(args.device)
    print('machine: ' + ', '.join(f'{k} {v}' for k, v in info.items()))
    out = dict(machine=info, args={k: str(v) for k, v in vars(args).items()}, training={t: bench_training(args, t) for t in threads})
    out['args']['hidden'] = '-'.join(map(str, args.hidden)) if isinstance(args.hidden, list) else str(args.hidden)
    if not args.skip_matmul: out['matmul'] = bench_matmul(args)
    if args.md:
        args.md.write_text(markdown(out))
        print(f'markdown written to {args.md}')
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1))
        print(f'results written to {args.json}')


if __name__ == '__main__': main()
