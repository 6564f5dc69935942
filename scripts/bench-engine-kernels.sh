#!/usr/bin/env bash
# The engine's kernels at SD 1.x shapes against PyTorch doing the same operations (fp32, 2 threads), ratios
# measured side by side. Needs the fixture venv (scripts/fixtures/requirements.txt) for torch.
# Usage: scripts/bench-engine-kernels.sh [--rounds N] [--repeat N] [--filter TEXT[,TEXT...]] [--algorithms]
#        [--checkpoint FOLDER]   (FOLDER: diffusers layout, e.g. from scripts/fixtures/make_real_shape_reference.py)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${ENGINE_BENCH_PYTHON:-/work/venv-fixtures/bin/python}"
swift build -c release --product EngineKernelBenchmarks
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores)"
if "$python" -c "import torch" 2>/dev/null; then
  "$python" scripts/bench-engine-kernels.py .build/release/EngineKernelBenchmarks "$@"
else
  echo "no torch in $python (set ENGINE_BENCH_PYTHON): the kernels' own times only, default options" >&2
  .build/release/EngineKernelBenchmarks
fi
