#!/usr/bin/env bash
# The local engine against diffusers at SD 1.x shapes (issues #7 and #8). Creates a random-weight SD 1.x
# checkpoint with float16 weight files once under .build/bench-engine/, then for each size runs one whole
# generation with this engine (release build of EngineBenchmarks) and one with diffusers'
# StableDiffusionPipeline (CPU, float32, 2 threads), one after the other, each under /usr/bin/time -v for its
# peak RSS, and prints Markdown tables for BENCHMARKS.md's engine section.
#
#   ./scripts/bench-engine.sh                                  # 512x512, 20 steps
#   ./scripts/bench-engine.sh --size 256,512,768 --steps 2     # time per step by size
#   ./scripts/bench-engine.sh --residency resident             # float32 weights converted at load
#
# Python: $ENGINE_BENCH_PYTHON, else /work/venv-fixtures/bin/python when present, else a venv created at
# .build/venv-engine-bench from scripts/fixtures/requirements.txt (torch and diffusers, several GB); accelerate is
# added under .build/pydeps-engine-bench when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=512
steps=20
residency=mapped
seed=0
prompt="a watercolor lighthouse at dusk"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) sizes="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --residency) residency="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: $0 [--size 256,512,768] [--steps N] [--residency mapped|resident] [--seed N]" >&2; exit 2 ;;
  esac
done

if [ -n "${ENGINE_BENCH_PYTHON:-}" ]; then
  python="$ENGINE_BENCH_PYTHON"
elif [ -x /work/venv-fixtures/bin/python ]; then
  python=/work/venv-fixtures/bin/python
else
  python=.build/venv-engine-bench/bin/python
  if [ ! -x "$python" ]; then
    python3 -m venv .build/venv-engine-bench
    .build/venv-engine-bench/bin/pip install -r scripts/fixtures/requirements.txt
  fi
fi
# diffusers loads weights straight into the models when accelerate is installed (its usual set-up; without it
# every model is first built with random weights). Put it beside the chosen Python when that one lacks it.
extras=.build/pydeps-engine-bench
if [ -d "$extras" ]; then export PYTHONPATH="$extras${PYTHONPATH:+:$PYTHONPATH}"; fi
if ! "$python" -c "import accelerate" 2>/dev/null; then
  "$python" -m pip install -q --target "$extras" --no-deps accelerate psutil pyyaml
  export PYTHONPATH="$extras${PYTHONPATH:+:$PYTHONPATH}"
fi
if [ ! -x /usr/bin/time ]; then
  echo "needs GNU time at /usr/bin/time (apt-get install time) for the peak RSS" >&2
  exit 1
fi

model=.build/bench-engine/sd15-random-fp16
if [ ! -f "$model/model_index.json" ]; then
  echo "== creating the SD 1.x-shaped random-weight checkpoint (fp16) in $model"
  rm -rf "$model.partial"
  "$python" scripts/fixtures/make_bench_checkpoint.py "$model.partial"
  mv "$model.partial" "$model"
fi

swift build -c release --product EngineBenchmarks
results=".build/bench-engine/results-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%Y-%m-%d)"
echo "command: $0 --size $sizes --steps $steps --residency $residency; results in $results"
"$python" bench/engine_bench.py flops --model "$model" --sizes "$sizes" > "$results/flops.json"

# Read the checkpoint once so both engines start from a warm page cache.
cat "$model"/*/*.safetensors > /dev/null
for size in ${sizes//,/ }; do
  echo "== ${size}x${size}, $steps steps: this engine"
  /usr/bin/time -v -o "$results/swift-$size.time" .build/release/EngineBenchmarks --model "$model" \
    --variant fp16 --residency "$residency" --size "$size" --steps "$steps" --seed "$seed" --prompt "$prompt" \
    --rgb-out "$results/swift-$size.rgb" > "$results/swift-$size.json"
  echo "== ${size}x${size}, $steps steps: diffusers"
  /usr/bin/time -v -o "$results/diffusers-$size.time" "$python" bench/engine_bench.py diffusers --model "$model" \
    --size "$size" --steps "$steps" --seed "$seed" --prompt "$prompt" --rgb-out "$results/diffusers-$size.rgb" \
    > "$results/diffusers-$size.json"
done
"$python" bench/engine_bench.py table --results "$results" --sizes "$sizes" | tee "$results/table.md"
