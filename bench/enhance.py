"""Benchmark `enhance` on a 24 MP JPEG: decode, predict, render, encode.

Predict (thumbnail + FilterNet) + render (baked-LUT renderer) are reported as a fraction of
decode + encode (the JPEG I/O any editor pays anyway), measured in the same run; target <= 0.5.
Also: predict latency per backbone on CPU (random weights: latency does not depend on them).
Warm-up, then the median of >= 5 timed runs; peak memory; device name.
The last line is `enhance overhead vs JPEG I/O: 0.NN`.
"""
import os, platform, resource, statistics, sys, tempfile, time
from dataclasses import replace
from pathlib import Path
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from filternet_coco.io import read_photo, write_photo
from filternet_coco.render import render_photo
from filternet_coco.samples import list_photos
from filternet_coco.filternet.enhance import load_default_model, make_thumbnail, predict_params, read_thumbnail
from filternet_coco.filternet.model import FilterNet, FilterNetConfig

RUNS, W, H = int(os.environ.get('BENCH_RUNS', 5)), 6000, 4000


def device_name() -> str:
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')) + f' ({os.cpu_count()} cores, torch {torch.get_num_threads()} threads)'
    except (OSError, StopIteration): return platform.processor() or platform.machine()


def timed(f, runs=RUNS):
    "Warm-up once, then the median seconds of `runs` calls (and the last result)."
    out = f(); ts = []
    for _ in range(runs):
        t = time.perf_counter(); out = f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts), out


def make_jpeg(path: Path):
    "A 24 MP JPEG (6000x4000, q92) upscaled from a real photo, with an EXIF block."
    src = Image.open(list_photos('debian_lomiri')[0]).convert('RGB').resize((W, H), Image.Resampling.BICUBIC)
    exif = Image.Exif(); exif[0x0110] = 'filternet-coco bench'
    src.save(path, quality=92, exif=exif)


def main():
    model = load_default_model()
    print(f'device: {device_name()}')
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d)/'in.jpg', Path(d)/'out.jpg'
        make_jpeg(src)
        t_dec, photo = timed(lambda: read_photo(src))
        t_pred, params = timed(lambda: predict_params(make_thumbnail(photo.pixels, model.config.img_size), model))
        t_thumb, thumb = timed(lambda: make_thumbnail(photo.pixels, model.config.img_size))
        t_draft, _ = timed(lambda: read_thumbnail(src, model.config.img_size))
        t_ren, out = timed(lambda: render_photo(photo.pixels, params))
        t_enc, _ = timed(lambda: write_photo(dst, replace(photo, pixels=out)))
    mp = photo.pixels.shape[0] * photo.pixels.shape[1] / 1e6
    print(f'photo: {photo.pixels.shape[1]}x{photo.pixels.shape[0]} ({mp:.1f} MP) JPEG, median of {RUNS} runs after a warm-up')
    print(f'  decode  {t_dec * 1e3:8.0f} ms   ({mp / t_dec:6.1f} MP/s)   [baseline]')
    print(f'  predict {t_pred * 1e3:8.0f} ms   (of which thumbnail from pixels {t_thumb * 1e3:.0f} ms; JPEG draft-mode thumbnail from the file: {t_draft * 1e3:.0f} ms)')
    print(f'  render  {t_ren * 1e3:8.0f} ms   ({mp / t_ren:6.1f} MP/s)')
    print(f'  encode  {t_enc * 1e3:8.0f} ms   ({mp / t_enc:6.1f} MP/s)   [baseline]')
    print(f'  params: {params.to_dict(nonzero=True)}')
    print('predict latency per backbone on CPU (one 299x299 thumbnail, random weights, 1 torch thread):')
    x = torch.rand(1, 3, 299, 299)
    torch.set_num_threads(1)
    for name in ('efficientnet_lite0', 'squeezenet1_1', 'resnet34', 'resnet50'):
        net = FilterNet(FilterNetConfig(backbone=name, pretrained=False)).eval()
        with torch.no_grad(): t, _ = timed(lambda: net.predict(x))
        print(f'  {name:18s} {t * 1e3:7.0f} ms   {sum(p.numel() for p in net.parameters()) / 1e6:5.1f} M params')
    print(f'peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB')
    print(f'enhance overhead vs JPEG I/O: {(t_pred + t_ren) / (t_dec + t_enc):.2f}')


if __name__ == '__main__':
    main()
