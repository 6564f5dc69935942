#!/usr/bin/env python3
"""The diffusers side of scripts/bench-engine.sh, the FLOP count, and the comparison table.

    engine_bench.py diffusers --model DIR --size 512 --steps 20 [--seed 0] [--prompt T] [--rgb-out FILE]
        one StableDiffusionPipeline generation on the CPU in float32 with 2 threads; prints one JSON object
        with the same fields as the Swift EngineBenchmarks
    engine_bench.py flops --model DIR --sizes 256,512,768
        floating-point operations of the UNet (batch 2), the VAE decoder and the text encoder (2 prompts),
        counted by torch's FlopCounterMode on meta tensors (no weights, no compute), and the rate a plain
        4096^3 float32 matrix product reaches on this machine with 2 threads; prints one JSON object
    engine_bench.py table --results DIR --sizes 512
        reads DIR/{swift,diffusers}-SIZE.{json,time,rgb} and DIR/flops.json and prints Markdown tables
"""
import time

STARTED = time.monotonic()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402

THREADS = 2


def run_diffusers(args):
    import numpy
    import torch
    from diffusers import StableDiffusionPipeline

    torch.set_num_threads(THREADS)
    load_start = time.monotonic()
    pipe = StableDiffusionPipeline.from_pretrained(
        args.model, variant="fp16", torch_dtype=torch.float32, safety_checker=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    loading = time.monotonic() - load_start

    marks = {"text": [], "unet": [], "first_unet": None}

    def timed(bucket):
        def before(module, inputs):
            module._bench_started = time.monotonic()
            if bucket == "unet" and marks["first_unet"] is None:
                marks["first_unet"] = module._bench_started

        def after(module, inputs, output):
            marks[bucket].append((module._bench_started, time.monotonic()))

        return before, after

    for module, bucket in ((pipe.text_encoder, "text"), (pipe.unet, "unet")):
        before, after = timed(bucket)
        module.register_forward_pre_hook(before)
        module.register_forward_hook(after)
    decode = pipe.vae.decode
    decoding = []

    def timed_decode(*a, **k):
        start = time.monotonic()
        result = decode(*a, **k)
        decoding.append(time.monotonic() - start)
        return result

    pipe.vae.decode = timed_decode
    generator = torch.Generator("cpu").manual_seed(args.seed)
    with torch.no_grad():
        image = pipe(
            args.prompt, negative_prompt=args.negative_prompt, height=args.size, width=args.size,
            num_inference_steps=args.steps, guidance_scale=7.5, generator=generator, output_type="np").images[0]
    if args.rgb_out:
        with open(args.rgb_out, "wb") as file:
            file.write((image * 255).round().astype(numpy.uint8).tobytes())
    unet = marks["unet"]
    print(json.dumps({
        "engine": "diffusers", "size": args.size, "steps": args.steps,
        "load_s": loading,
        "startup_to_first_step_s": marks["first_unet"] - STARTED,
        "text_encoding_s": sum(end - start for start, end in marks["text"]),
        "unet_evaluations": len(unet),
        "unet_step_s": [end - start for start, end in unet],
        "denoising_s": unet[-1][1] - unet[0][0],
        "vae_decode_s": sum(decoding),
    }, sort_keys=True))


def count_flops(args):
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from diffusers.models.attention_processor import AttnProcessor
    from torch.utils.flop_counter import FlopCounterMode
    from transformers import CLIPTextConfig, CLIPTextModel

    def flops(module, *inputs, **kwargs):
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            module(*inputs, **kwargs)
        return counter.get_total_flops()

    with torch.device("meta"):
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(os.path.join(args.model, "unet")))
        vae = AutoencoderKL.from_config(AutoencoderKL.load_config(os.path.join(args.model, "vae")))
        text_config = CLIPTextConfig.from_pretrained(os.path.join(args.model, "text_encoder"))
        text_config._attn_implementation = "eager"
        text = CLIPTextModel(text_config)
    # The classic attention processor spells attention as matrix products, which the counter sees.
    unet.set_attn_processor(AttnProcessor())
    vae.set_attn_processor(AttnProcessor())
    context = torch.empty(2, 77, text_config.hidden_size, device="meta")
    result = {"unet": {}, "vae_decode": {}}
    for size in (int(s) for s in args.sizes.split(",")):
        latent = size // 8
        result["unet"][str(size)] = flops(
            unet, torch.empty(2, 4, latent, latent, device="meta"), 981, encoder_hidden_states=context)
        result["vae_decode"][str(size)] = flops(vae.decode, torch.empty(1, 4, latent, latent, device="meta"))
    result["text_encoding"] = flops(text, torch.zeros(2, 77, dtype=torch.long, device="meta"))

    torch.set_num_threads(THREADS)
    a = torch.randn(4096, 4096)
    b = torch.randn(4096, 4096)
    torch.mm(a, b)
    best = min(timed_call(lambda: torch.mm(a, b)) for _ in range(3))
    result["sgemm_4096_gflops"] = 2 * 4096**3 / best / 1e9
    print(json.dumps(result, sort_keys=True))


def timed_call(call):
    start = time.monotonic()
    call()
    return time.monotonic() - start


def peak_rss_bytes(path):
    """Maximum resident set size from GNU time's -v report."""
    with open(path) as file:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", file.read())
    return int(match.group(1)) * 1024 if match else None


def cpu_seconds(path):
    """User plus system CPU time from GNU time's -v report."""
    with open(path) as file:
        text = file.read()
    times = [float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text)]
    return sum(times) if len(times) == 2 else None


def max_pixel_difference(first, second):
    try:
        with open(first, "rb") as a, open(second, "rb") as b:
            left, right = a.read(), b.read()
    except OSError:
        return None
    if len(left) != len(right) or not left:
        return None
    return max(abs(x - y) for x, y in zip(left, right))


def table(args):
    folder = args.results
    with open(os.path.join(folder, "flops.json")) as file:
        flops = json.load(file)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for size in sizes:
        runs = {}
        for engine in ("swift", "diffusers"):
            with open(os.path.join(folder, f"{engine}-{size}.json")) as file:
                runs[engine] = json.load(file)
            runs[engine]["peak_rss"] = peak_rss_bytes(os.path.join(folder, f"{engine}-{size}.time"))
            runs[engine]["cpu_s"] = cpu_seconds(os.path.join(folder, f"{engine}-{size}.time"))
        rows.append((size, runs))

    gib = 1024**3
    for size, runs in rows:
        ours, theirs = runs["swift"], runs["diffusers"]
        evaluations = ours["unet_evaluations"]

        def mean_step(run):
            return sum(run["unet_step_s"]) / len(run["unet_step_s"])

        def mean_later_step(run):
            later = run["unet_step_s"][1:]
            return sum(later) / len(later)

        def line(stage, mine, reference, unit="s"):
            ratio = f"{mine / reference:.2f}x" if reference else "-"
            form = (lambda v: f"{v:.2f} s") if unit == "s" else (lambda v: f"{v / gib:.2f} GiB")
            print(f"| {stage} | {form(mine)} | {form(reference)} | {ratio} |")

        print(f"\n{size}x{size}, {ours['steps']} steps (PNDM: {evaluations} UNet evaluations), "
              f"weights {ours.get('residency', '?')} (this engine), fp32 with {THREADS} threads (diffusers)\n")
        print("| stage | this engine | diffusers | ratio |")
        print("| --- | ---: | ---: | ---: |")
        line("load (files to a ready pipeline)", ours["load_s"], theirs["load_s"])
        line("start-up to first step (process start)", ours["startup_to_first_step_s"],
             theirs["startup_to_first_step_s"])
        line("text encoding (2 prompts)", ours["text_encoding_s"], theirs["text_encoding_s"])
        line(f"one UNet step, batch 2 (mean of {evaluations})", mean_step(ours), mean_step(theirs))
        if evaluations > 1:
            # The first evaluation carries one-time costs (mapping the weight files' pages here, the allocator's
            # first blocks in torch); a generation of 20 or more steps is made of steps like the later ones.
            line(f"one UNet step after the first (mean of {evaluations - 1})", mean_later_step(ours),
                 mean_later_step(theirs))
        line("whole denoising loop", ours["denoising_s"], theirs["denoising_s"])
        line("VAE decode", ours["vae_decode_s"], theirs["vae_decode_s"])
        if ours["cpu_s"] and theirs["cpu_s"]:
            line("CPU time of the whole process (user + system)", ours["cpu_s"], theirs["cpu_s"])
        if ours["peak_rss"] and theirs["peak_rss"]:
            line("peak RSS of the whole generation", ours["peak_rss"], theirs["peak_rss"], unit="bytes")
        difference = max_pixel_difference(
            os.path.join(folder, f"swift-{size}.rgb"), os.path.join(folder, f"diffusers-{size}.rgb"))
        if difference is not None:
            print(f"\nLargest difference between the two images: {difference}/255 per channel.")

        unet = flops["unet"][str(size)]
        vae = flops["vae_decode"][str(size)]
        text = flops["text_encoding"]
        print(f"\nWork (torch's FlopCounterMode): one UNet evaluation {unet / 1e12:.3f} TFLOP, VAE decode "
              f"{vae / 1e12:.3f} TFLOP, text encoding {text / 1e9:.1f} GFLOP. Achieved rate:\n")
        print("| stage | this engine | diffusers |")
        print("| --- | ---: | ---: |")
        print(f"| UNet step | {unet / mean_step(ours) / 1e9:.0f} GFLOP/s | {unet / mean_step(theirs) / 1e9:.0f} GFLOP/s |")
        print(f"| VAE decode | {vae / ours['vae_decode_s'] / 1e9:.0f} GFLOP/s | "
              f"{vae / theirs['vae_decode_s'] / 1e9:.0f} GFLOP/s |")
        print(f"| text encoding | {text / ours['text_encoding_s'] / 1e9:.0f} GFLOP/s | "
              f"{text / theirs['text_encoding_s'] / 1e9:.0f} GFLOP/s |")
    print(f"\nA 4096^3 float32 matrix product (torch.mm, {THREADS} threads) reaches "
          f"{flops['sgemm_4096_gflops']:.0f} GFLOP/s here.")

    if len(rows) > 1:
        print("\nTime per UNet evaluation (batch 2) by size:\n")
        print("| size | UNet TFLOP | this engine | diffusers | ratio | this engine GFLOP/s | diffusers GFLOP/s "
              "| peak RSS this engine | peak RSS diffusers |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for size, runs in rows:
            unet = flops["unet"][str(size)]
            ours = sum(runs["swift"]["unet_step_s"]) / len(runs["swift"]["unet_step_s"])
            theirs = sum(runs["diffusers"]["unet_step_s"]) / len(runs["diffusers"]["unet_step_s"])
            rss = [runs[e]["peak_rss"] for e in ("swift", "diffusers")]
            rss_text = [f"{r / gib:.2f} GiB" if r else "-" for r in rss]
            print(f"| {size} | {unet / 1e12:.3f} | {ours:.2f} s | {theirs:.2f} s | {ours / theirs:.2f}x | "
                  f"{unet / ours / 1e9:.0f} | {unet / theirs / 1e9:.0f} | {rss_text[0]} | {rss_text[1]} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("diffusers")
    generate.add_argument("--model", required=True)
    generate.add_argument("--size", type=int, default=512)
    generate.add_argument("--steps", type=int, default=20)
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--prompt", default="a watercolor lighthouse at dusk")
    generate.add_argument("--negative-prompt", default="")
    generate.add_argument("--rgb-out")
    counting = commands.add_parser("flops")
    counting.add_argument("--model", required=True)
    counting.add_argument("--sizes", default="512")
    report = commands.add_parser("table")
    report.add_argument("--results", required=True)
    report.add_argument("--sizes", default="512")
    args = parser.parse_args()
    {"diffusers": run_diffusers, "flops": count_flops, "table": table}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
