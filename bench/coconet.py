"""Benchmark: COCONET's full-resolution composite of a 24 MP photo given a 512 px mask.

What is timed is everything after the models: upsample the mask edge-aware, feather it, render the
filters at full resolution, blend (`coconet.composite`). The photo is a real COCO photo (a dog)
upscaled to 6000 x 3994, the mask its ground-truth dog mask at 512 x 341; a second case uses the
centred 80 % box (a mask covering most of the frame). All seven filters are non-zero, so the render
includes the colour matrix. Baseline, measured in the same run: the naive float32 composite on the
whole frame (guided upsampling at full resolution, Gaussian feather at full resolution, render, float blend).
Timed with bench/_harness.py: warm-up, then the median of --runs interleaved timed runs, peak memory
growth, MP/s and the ratio to the baseline; the last line is a summary.
"""
import argparse, os

import cv2, numpy as np

from _harness import measure, report, device_name, smoke

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

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--width', type=int, default=smoke(6000, 600))
    ap.add_argument('--runs', type=int, default=smoke(5, 1))
    ap.add_argument('--no-baseline', action='store_true')
    a = ap.parse_args()
    root = shared_data()/'coco'
    coco = load_coco(root)
    src = load_image(root, coco.imgs[22192])
    H = round(a.width * src.shape[0] / src.shape[1])
    photo = cv2.resize(src, (a.width, H), interpolation=cv2.INTER_CUBIC)
    dog = cv2.resize(category_mask(coco, 22192, coco.getCatIds(catNms=['dog'])[0]).astype(np.uint8), (512, 341), interpolation=cv2.INTER_AREA) > 0
    box = np.zeros((341, 512), bool); box[34:307, 51:461] = True
    print(f'device: {device_name()}, OpenCV threads {cv2.getNumThreads()}; photo {a.width} x {H} ({a.width * H / 1e6:.1f} MP) uint8, mask 512 x 341, {a.runs} runs')
    fs = {} if a.no_baseline else {'naive float32 [dog]': lambda: naive_composite(photo, dog, PARAMS)}
    fs |= {'composite [dog]': lambda: composite(photo, dog, PARAMS), 'composite [centre box 80 %]': lambda: composite(photo, box, PARAMS),
           'render_pixels, whole frame': lambda: render_pixels(photo, PARAMS)}
    res = measure(fs, a.runs, pixels=a.width * H)
    report(res, label='coconet')
    for name in ('composite [dog]', 'composite [centre box 80 %]'):
        print(f'{name}: {np.mean(res[name].out[1] > 0):.0%} of the frame feathered-in')
    dog_s, box_s = res['composite [dog]'].median, res['composite [centre box 80 %]'].median
    speed = ''
    if not a.no_baseline:
        base = res['naive float32 [dog]']
        diff = np.abs(res['composite [dog]'].out[0].astype(int) - base.out[0]).max()
        speed = f', {base.median / dog_s:.1f}x faster than the naive baseline ({base.median:.2f} s; max difference {diff} levels)'
    verdict = 'meets' if dog_s <= 1 else 'misses'
    print(f'SUMMARY coconet composite {a.width * H / 1e6:.3g} MP: dog mask {dog_s:.3f} s, large mask {box_s:.3f} s '
          f'(median of {a.runs}){speed}; {verdict} the 1 s target on {os.cpu_count()} CPU cores')

if __name__ == '__main__': main()
