#!/usr/bin/env python3
"""Runs EngineKernelBenchmarks and the same operations in PyTorch (fp32, 2 threads) in turn, and prints ratios.

    /work/venv-fixtures/bin/python scripts/bench-engine-kernels.py BINARY [--rounds N] [--repeat N]
        [--filter TEXT[,TEXT...]] [--algorithms] [--checkpoint FOLDER]

Each round times every case in the Swift program, then in torch; a case's time is its best over all rounds, so
load from other processes on a shared machine inflates neither side more than the other.
"""

import argparse
import os
import subprocess
import sys
import time

import torch
import torch.nn.functional as F


def kernel_cases():
    cases = {}
    for channels, size, batch in [(320, 64, 2), (640, 32, 2), (1280, 16, 2), (1280, 8, 2), (512, 128, 1),
                                  (256, 256, 1), (128, 512, 1)]:
        def conv(channels=channels, size=size, batch=batch):
            x = torch.randn(batch, channels, size, size)
            w = torch.randn(channels, channels, 3, 3) / (channels * 9) ** 0.5
            b = torch.randn(channels) * 0.1
            return lambda: F.conv2d(x, w, b, padding=1)
        cases[f"conv3x3-{channels}x{size}x{size}-b{batch}"] = conv
    for name, shape in [("groupnorm-silu-320x64x64-b2", (2, 320, 64, 64)),
                        ("groupnorm-silu-128x512x512-b1", (1, 128, 512, 512))]:
        def norm(shape=shape):
            x, w, b = torch.randn(*shape), torch.randn(shape[1]), torch.randn(shape[1])
            return lambda: F.silu(F.group_norm(x, 32, w, b, eps=1e-5))
        cases[name] = norm

    def layer_norm():
        x, w, b = torch.randn(2, 4096, 320), torch.randn(320), torch.randn(320)
        return lambda: F.layer_norm(x, (320,), w, b, eps=1e-5)
    cases["layernorm-2x4096x320"] = layer_norm

    def linear():
        x, w, b = torch.randn(2, 4096, 320), torch.randn(2560, 320) / 320 ** 0.5, torch.randn(2560) * 0.1
        return lambda: F.linear(x, w, b)
    cases["linear-2x4096x320-to-2560"] = linear
    for inputs, outputs in [(768, 3072), (3072, 768)]:
        def text_linear(inputs=inputs, outputs=outputs):
            x, w = torch.randn(2, 77, inputs), torch.randn(outputs, inputs) / inputs ** 0.5
            b = torch.randn(outputs) * 0.1
            return lambda: F.linear(x, w, b)
        cases[f"linear-2x77x{inputs}-to-{outputs}"] = text_linear

    def geglu():
        x = torch.randn(2, 4096, 2560)

        def run():
            value, gate = x.chunk(2, dim=-1)
            return value * F.gelu(gate)
        return run
    cases["geglu-2x4096x2560"] = geglu
    for name, batch, queries, keys, width, heads in [
            ("attention-self-2x8x4096x40", 2, 4096, 4096, 320, 8),
            ("attention-self-2x8x1024x80", 2, 1024, 1024, 640, 8),
            ("attention-cross-2x8x4096x77x40", 2, 4096, 77, 320, 8),
            ("attention-vae-1x1x4096x512", 1, 4096, 4096, 512, 1),
            ("attention-self-2x8x9216x40", 2, 9216, 9216, 320, 8)]:
        def attention(batch=batch, queries=queries, keys=keys, width=width, heads=heads):
            q = torch.randn(batch, queries, width)
            k, v = torch.randn(batch, keys, width), torch.randn(batch, keys, width)

            def run():
                split = lambda t: t.view(batch, -1, heads, width // heads).transpose(1, 2)
                out = F.scaled_dot_product_attention(split(q), split(k), split(v))
                return out.transpose(1, 2).reshape(batch, -1, width)
            return run
        cases[name] = attention
    return cases


def model_cases(folder):
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextModel

    def load(model, component):
        # float32 files, or float16 ones (make bench-engine's checkpoint) widened to float32 as diffusers does
        path = os.path.join(folder, component)
        half = not any(name.endswith(".safetensors") and ".fp16." not in name for name in os.listdir(path))
        return model.from_pretrained(path, variant="fp16" if half else None, torch_dtype=torch.float32).eval()
    text = load(CLIPTextModel, "text_encoder")
    unet = load(UNet2DConditionModel, "unet")
    vae = load(AutoencoderKL, "vae")
    ids = torch.tensor([[49406] + [(i * 37 + p * 11) % 49000 for i in range(1, 77)] for p in range(2)])
    latents, context, vae_latents = torch.randn(2, 4, 64, 64), torch.randn(2, 77, 768), torch.randn(1, 4, 64, 64)
    return {
        "text-encoder-2x77": lambda: (lambda: text(ids).last_hidden_state),
        "unet-b2-64x64": lambda: (lambda: unet(latents, 981, encoder_hidden_states=context).sample),
        "vae-decode-64x64": lambda: (lambda: vae.decode(vae_latents).sample),
    }


def time_torch(make, repeats):
    run = make()
    with torch.no_grad():
        run()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--filter")
    parser.add_argument("--algorithms", action="store_true")
    parser.add_argument("--checkpoint")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    cases = kernel_cases()
    if args.checkpoint:
        cases.update(model_cases(args.checkpoint))
    command = [args.binary, "--repeat", str(args.repeat)]
    if args.filter:
        command += ["--filter", args.filter]
    if args.algorithms:
        command.append("--algorithms")
    if args.checkpoint:
        command += ["--checkpoint", args.checkpoint]
    ours, theirs, order = {}, {}, []
    for round_index in range(args.rounds):
        print(f"round {round_index + 1}/{args.rounds}", file=sys.stderr, flush=True)
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        for line in output.splitlines():
            name, best, _ = line.split("\t")
            if name not in order:
                order.append(name)
            ours[name] = min(ours.get(name, float("inf")), float(best))
        for name in {n.split("/")[0] for n in order}:
            if name in cases:
                theirs[name] = min(theirs.get(name, float("inf")), time_torch(cases[name], args.repeat))
    print(f"{'operation':<42} {'engine ms':>10} {'torch ms':>10} {'ratio':>7}")
    for name in order:
        reference = theirs.get(name.split("/")[0])
        ratio = f"{ours[name] / reference:7.2f}" if reference else "      -"
        torch_ms = f"{reference:10.1f}" if reference else "         -"
        print(f"{name:<42} {ours[name]:10.1f} {torch_ms} {ratio}")


if __name__ == "__main__":
    main()
