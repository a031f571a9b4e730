"""Benchmark of the full-resolution renderer (`filternet_coco.render.render_pixels`) on a 24 MP photo.

In one run, on the same machine, with the methods' runs interleaved: this renderer vs Pillow's `ImageFilter.Color3DLUT` (a 33^3 table of
the same params, the usual way to apply a "look") vs a plain numpy float32 implementation of the
chain; 8-bit and 16-bit (Pillow's 3-D LUT is 8-bit only). Each method (timed with bench/_harness.py): one warm-up,
then the median of RUNS interleaved timed runs, timed from the params (table baking included for both LUT methods), peak
memory above the starting point (sampled RSS, so C allocations count), max error against
`apply_filters` in float64 on a 1/16 subsample of the pixels (every 4th row and column).
Ends with one line: `render speed-up vs Pillow Color3DLUT: N.N×` (8-bit, 24 MP, all seven filters).
Usage: python bench/render.py [--runs 5] [--mp 24]   (BENCH_SMOKE=1: 0.05 MP, one run)
"""
import argparse
import numpy as np, cv2
from PIL import Image

from _harness import measure, device_name, smoke
from filternet_coco.params import FilterParams
from filternet_coco.curves import curve_pair, TONE_FILTERS
from filternet_coco.filters import EV_PER_UNIT
from filternet_coco.render import render_pixels, reference_render, params_matrix, _plan_cached
from filternet_coco.sidecars import bake_cube
from filternet_coco.samples import list_photos

LOOKS = {  # name: params
    'all seven filters': FilterParams(temperature=0.3, tint=-0.1, exposure=0.25, brightness=0.2, contrast=0.3, shadows=0.4, highlights=-0.5),
    'tone only (no colour matrix)': FilterParams(exposure=0.25, brightness=0.2, contrast=0.3, shadows=0.4, highlights=-0.5),
}

def ours(px, p):
    "The baked-LUT renderer, tables baked from scratch each call."
    _plan_cached.cache_clear()
    return render_pixels(px, p)

def ours_cached(px, p):
    "The same with its tables already baked, as for the 2nd..Nth photo of a batch with one params file."
    return render_pixels(px, p)

def pillow_3dlut(px, p, size=33):
    "Pillow's trilinear 3-D LUT, table baked from `apply_filters` on the 33^3 grid."
    from PIL import ImageFilter
    lut = ImageFilter.Color3DLUT(size, bake_cube(p, size).reshape(-1, 3).astype(np.float32))
    return np.asarray(Image.fromarray(px).filter(lut))

def numpy_float32(px, p):
    "The chain written plainly in numpy float32 (np.interp for the curves)."
    top = np.float32(np.iinfo(px.dtype).max)
    x = px.astype(np.float32) / top
    x = np.where(x <= 0.04045, x / np.float32(12.92), ((x + np.float32(0.055)) / np.float32(1.055)) ** np.float32(2.4))
    m = params_matrix(p)
    if m is not None: x = np.clip(x @ m.T.astype(np.float32), 0, 1)
    if p.exposure: x = np.clip(x * np.float32(2 ** (EV_PER_UNIT * p.exposure)), 0, 1)
    grid = np.linspace(0, 1, 1024, dtype=np.float32)
    for name in TONE_FILTERS:
        v = getattr(p, name)
        if v: x = x + np.float32(abs(v)) * (np.interp(x, grid, curve_pair(name)[v < 0].numpy()).astype(np.float32) - x)
    x = np.where(x <= 0.0031308, x * np.float32(12.92), np.float32(1.055) * np.maximum(x, 0) ** np.float32(1 / 2.4) - np.float32(0.055))
    return np.rint(x * top).astype(px.dtype)

def max_error(out, px, p) -> float:
    "Largest deviation from float64 `apply_filters` on every 4th row and column, in output levels."
    top = np.iinfo(px.dtype).max
    sub = np.ascontiguousarray(px[::4, ::4])
    return float(np.abs(out[::4, ::4] / top - reference_render(sub, p)).max() * top)

def test_photo(mp: float, bits: int) -> np.ndarray:
    "A real Kodak photo upscaled (bicubic) to about `mp` megapixels at 3:2, 8- or 16-bit."
    src = np.asarray(Image.open(list_photos('kodak24')[4]).convert('RGB')).astype(np.float32)
    h = int(round((mp * 1e6 / 1.5) ** 0.5)); w = int(round(h * 1.5))
    up = cv2.resize(src * (257 if bits == 16 else 1), (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(np.rint(up), 0, 2 ** bits - 1).astype(np.uint8 if bits == 8 else np.uint16)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--runs', type=int, default=smoke(5, 1)); ap.add_argument('--mp', type=float, default=smoke(24, 0.05))
    args = ap.parse_args()
    print(f'device: {device_name()}; numpy {np.__version__}, OpenCV {cv2.__version__}, Pillow {Image.__version__}')
    print(f'{"bits":>4} | {"look":<28} | {"method":<22} | {"median s":>8} | {"MP/s":>6} | {"vs Pillow":>9} | {"max err (levels)":>16} | {"peak MB":>7}')
    headline = None
    for bits in (8, 16):
        px = test_photo(args.mp, bits)
        mpx = px.shape[0] * px.shape[1] / 1e6
        print(f'-- {bits}-bit photo {px.shape[1]}x{px.shape[0]} ({mpx:.1f} MP); max err in {bits}-bit levels' + (' (64 = 1/1024)' if bits == 16 else ''), flush=True)
        for look, p in LOOKS.items():
            # Pillow's 3-D LUT filter takes 8-bit images only; the slow numpy baseline runs for the main look only
            methods = {'Pillow Color3DLUT 33^3': pillow_3dlut, 'filternet_coco render': ours, '  same, tables cached': ours_cached,
                       'numpy float32': numpy_float32}
            if bits == 16: methods.pop('Pillow Color3DLUT 33^3')
            if look != 'all seven filters': methods.pop('numpy float32')
            res = measure({k: (lambda f=f, px=px, p=p: f(px, p)) for k, f in methods.items()}, args.runs, pixels=px.shape[0] * px.shape[1])
            base = next(iter(res.values())).median   # the baseline: Pillow's 3-D LUT (8-bit), measured in this run
            for name, r in res.items():
                err = max_error(r.out, px, p)
                print(f'{bits:>4} | {look:<28} | {name:<22} | {r.median:8.3f} | {r.px_per_s / 1e6:6.1f} | {f"{base / r.median:.2f}×" if bits == 8 else "—":>9} | {err:16.2f} | {r.peak / 2**20:7.0f}', flush=True)
            if bits == 8 and look == 'all seven filters': headline = base / res['filternet_coco render'].median
            del res
        del px
    print(f'render speed-up vs Pillow Color3DLUT: {headline:.1f}×')

if __name__ == '__main__':
    main()
