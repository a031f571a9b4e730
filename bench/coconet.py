"""Benchmark: COCONET's full-resolution composite of a 24 MP photo given a 512 px mask.

What is timed is everything after the models: upsample the mask edge-aware, feather it, render the
filters at full resolution, blend (`coconet.composite`). The photo is a real COCO photo (a dog)
upscaled to 6000 x 3994, the mask its ground-truth dog mask at 512 x 341; a second case uses the
centred 80 % box (a mask covering most of the frame). All seven filters are non-zero, so the render
includes the colour matrix. Baseline, measured in the same run: the naive float32 composite on the
whole frame (guided upsampling at full resolution, Gaussian feather at full resolution, render, float blend).
Warm-up, then the median of --runs timed runs; peak resident memory; the last line is a summary.
"""
import argparse, os, platform, resource, statistics, sys, time
from pathlib import Path

import cv2, numpy as np

from filternet_coco.params import FilterParams
from filternet_coco.coconet import composite, guided_upsample, render_pixels
from filternet_coco.cocogold.data import load_coco, load_image, category_mask
from filternet_coco.samples import shared_data

PARAMS = FilterParams(temperature=0.2, tint=-0.1, exposure=0.4, brightness=0.2, contrast=0.3, shadows=0.3, highlights=-0.2)

def naive_composite(pixels, mask, params, feather=0.005):
    "The baseline: every step on the whole frame at full resolution in float32."
    H, W = pixels.shape[:2]
    alpha = (guided_upsample(mask, pixels) > 0.5).astype(np.float32)
    alpha = cv2.GaussianBlur(alpha, (0, 0), feather * max(H, W))
    top = render_pixels(pixels, params).astype(np.float32)
    out = pixels + alpha[..., None] * (top - pixels)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8), alpha

def time_runs(f, runs):
    "Median and all times (s) of `runs` calls of `f` after one warm-up call."
    f()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts), ts

def cpu_name() -> str:
    try: name = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): name = platform.processor() or platform.machine()
    return f'{name}, {os.cpu_count()} cores (OpenCV threads {cv2.getNumThreads()})'

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--width', type=int, default=6000)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--no-baseline', action='store_true')
    a = ap.parse_args()
    root = shared_data()/'coco'
    coco = load_coco(root)
    src = load_image(root, coco.imgs[22192])
    H = round(a.width * src.shape[0] / src.shape[1])
    photo = cv2.resize(src, (a.width, H), interpolation=cv2.INTER_CUBIC)
    dog = cv2.resize(category_mask(coco, 22192, coco.getCatIds(catNms=['dog'])[0]).astype(np.uint8), (512, 341), interpolation=cv2.INTER_AREA) > 0
    box = np.zeros((341, 512), bool); box[34:307, 51:461] = True
    print(f'device: {cpu_name()}; photo {a.width} x {H} ({a.width * H / 1e6:.1f} MP) uint8, mask 512 x 341, {a.runs} runs')
    rows = {}
    for name, mask in (('dog', dog), ('centre box 80 %', box)):
        med, ts = time_runs(lambda: composite(photo, mask, PARAMS), a.runs)
        _, alpha = composite(photo, mask, PARAMS)
        rows[name] = med
        print(f'coconet.composite [{name}, {np.mean(alpha > 0):.0%} of the frame feathered-in]: median {med:.3f} s '
              f'({a.width * H / med / 1e6:.0f} MP/s; runs {", ".join(f"{t:.3f}" for t in ts)})', flush=True)
    t_render, _ = time_runs(lambda: render_pixels(photo, PARAMS), a.runs)
    print(f'  for reference: render_pixels on the whole frame: median {t_render:.3f} s', flush=True)
    base = None
    if not a.no_baseline:
        base, ts = time_runs(lambda: naive_composite(photo, dog, PARAMS), a.runs)
        ok = (composite(photo, dog, PARAMS)[0].astype(int) - naive_composite(photo, dog, PARAMS)[0]).__abs__().max()
        print(f'baseline naive float32 composite [dog, whole frame]: median {base:.3f} s (runs {", ".join(f"{t:.3f}" for t in ts)}); '
              f'max difference to coconet.composite {ok} levels', flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f'peak resident memory: {peak:.0f} MiB')
    speed = f', {base / rows["dog"]:.1f}x faster than the naive baseline ({base:.2f} s)' if base else ''
    verdict = 'meets' if rows['dog'] <= 1 else 'misses'
    print(f'SUMMARY coconet composite {a.width * H / 1e6:.0f} MP: dog mask {rows["dog"]:.3f} s, large mask {rows["centre box 80 %"]:.3f} s '
          f'(median of {a.runs}){speed}; {verdict} the 1 s target on {os.cpu_count()} CPU cores')

if __name__ == '__main__': main()
