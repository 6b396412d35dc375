#!/usr/bin/env bash
# The GPU checks (issues 13, 19, 30), in one call on a lent GPU machine (which has torch and numpy, but neither fastcore nor
# the data, and no network).
#
#   here, first:    bash tools/device_check.sh --prepare      # fastcore's wheel and the data into .device/ (git-ignored)
#   on the device:  bash tools/device_check.sh                # with the device tool: carry [".device"]
#
# It runs the cells of nbs/21_speed.ipynb flagged `#| cuda` (tools/run_cells.py: GPU histories equal the CPU's,
# eager and CUDA-graph histories equal in float64 to 1e-12, the timing table), then the benchmark on the GPU, which
# measures the CUDA-graph epoch against autograd on the same GPU and against this machine's CPU. It writes
# $OUT/cuda_cells.txt and $OUT/RESULTS_cuda.md; commit the latter as bench/RESULTS_cuda.md (README shows it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3 || command -v python)}
if [ "${1:-}" = --prepare ]; then
  rm -rf .device && mkdir -p .device/wheels .device/data
  "$PY" -m pip download -q --no-deps --only-binary=:all: -d .device/wheels "fastcore>=1.8,<2"
  cp "${MINIBACKPROP_DATA:-../shared/data}/mnist.pkl.gz" .device/data/
  du -sh .device/*; exit 0
fi
[ -d .device/wheels ] || { echo "device_check: no .device/wheels: run 'bash tools/device_check.sh --prepare' first, then carry .device" >&2; exit 2; }
OUT=${OUT:-.device/out}; mkdir -p "$OUT"
"$PY" -m pip install -q --no-index --no-deps --upgrade --target .device/site .device/wheels/*.whl
export PYTHONPATH="$PWD:$PWD/.device/site" MINIBACKPROP_DATA="$PWD/.device/data"
"$PY" -c "import torch, sys; ok = torch.cuda.is_available(); print('torch', torch.__version__, '|', torch.cuda.get_device_name() if ok else 'no CUDA device'); sys.exit(0 if ok else 3)" \
  || { echo "device_check: CUDA is not available here: nothing to check" >&2; exit 3; }
"$PY" tools/run_cells.py nbs/21_speed.ipynb --flag cuda 2>&1 | tee "$OUT/cuda_cells.txt"
"$PY" bench/bench_training.py --device cuda --threads 1 --skip-matmul --runs 5 --md "$OUT/RESULTS_cuda.md" 2>&1 | tee "$OUT/bench_cuda.txt"
echo "device_check: done; results in $OUT"
