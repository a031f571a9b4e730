"""Benchmark `enhance` on a 24 MP JPEG: decode, predict, render, encode.

Predict (thumbnail + FilterNet) + render (baked-LUT renderer) are reported as a fraction of
decode + encode (the JPEG I/O any editor pays anyway, the baseline), measured in the same run with
bench/_harness.py (warm-up, median of BENCH_RUNS interleaved runs, peak memory, MP/s, device); target <= 0.5.
Smoke mode (BENCH_SMOKE=1): a 600x400 JPEG, two backbones at 64 px.
Also: predict with the body run (the path before issue 25, baseline) vs skipped (the default model's CNN part is
silent, so `FilterNet.predict` leaves the body out), and predict latency per backbone on CPU (random weights:
latency does not depend on them; baseline Lite0).
The last line is `enhance overhead vs JPEG I/O: 0.NN`.
"""
import copy, os, sys, tempfile
from dataclasses import replace
from pathlib import Path
import torch
from PIL import Image

from _harness import measure, report, device_name, smoke

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from filternet_coco.io import read_photo, write_photo
from filternet_coco.render import render_pixels
from filternet_coco.samples import list_photos
from filternet_coco.filternet.enhance import load_default_model, make_thumbnail, predict_params, read_thumbnail
from filternet_coco.filternet.model import FilterNet, FilterNetConfig

RUNS, (W, H) = int(os.environ.get('BENCH_RUNS', 5)), smoke((6000, 4000), (600, 400))


def with_body(model: FilterNet) -> FilterNet:
    "A copy of `model` that runs its body: one weight of the CNN part's zero layer set to 1e-20 (params change by ~1e-20)."
    m = copy.deepcopy(model)
    with torch.no_grad(): m.head.mlp[-1].weight[0, 0] = 1e-20
    assert not m.skips_body()
    return m


def make_jpeg(path: Path):
    "A W x H JPEG (24 MP: 6000x4000, q92) upscaled from a real photo, with an EXIF block."
    src = Image.open(list_photos('debian_lomiri')[0]).convert('RGB').resize((W, H), Image.Resampling.BICUBIC)
    exif = Image.Exif(); exif[0x0110] = 'filternet-coco bench'
    src.save(path, quality=92, exif=exif)


def main():
    model = load_default_model()
    print(f'device: {device_name()}')
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d)/'in.jpg', Path(d)/'out.jpg'
        make_jpeg(src)
        photo = read_photo(src)
        params = predict_params(make_thumbnail(photo.pixels, model.config.img_size), model)
        out = render_pixels(photo.pixels, params)
        res = measure({'decode (JPEG)': lambda: read_photo(src),
                       'encode (JPEG)': lambda: write_photo(dst, replace(photo, pixels=out)),
                       'predict (thumbnail + net)': lambda: predict_params(make_thumbnail(photo.pixels, model.config.img_size), model),
                       'thumbnail from pixels': lambda: make_thumbnail(photo.pixels, model.config.img_size),
                       'thumbnail, JPEG draft mode': lambda: read_thumbnail(src, model.config.img_size),
                       'render (baked LUTs)': lambda: render_pixels(photo.pixels, params)},
                      runs=RUNS, pixels=W * H)
    report(res, label=f'enhance {W * H / 1e6:.0f} MP')
    print(f'params: {params.to_dict(nonzero=True)}')
    thumb, full = make_thumbnail(photo.pixels, model.config.img_size), with_body(model)
    pred = measure({'predict, body run (before)': lambda: predict_params(thumb, full),
                    'predict, body skipped': lambda: predict_params(thumb, model)}, runs=max(RUNS, 20))
    report(pred, label=f'predict {model.config.img_size} px')
    print(f'predict with the body skipped vs run: {pred["predict, body skipped"].median / pred["predict, body run (before)"].median:.2f}x the time'
          f' (skips_body: {model.skips_body()})')
    torch.set_num_threads(1)
    S = smoke(299, 64)
    x = torch.rand(1, 3, S, S)
    nets = {name: FilterNet(FilterNetConfig(backbone=name, pretrained=False)).eval()
            for name in smoke(('efficientnet_lite0', 'squeezenet1_1', 'resnet34', 'resnet50'), ('efficientnet_lite0', 'squeezenet1_1'))}
    with torch.no_grad(): lat = measure({k: (lambda n=n: n.predict(x)) for k, n in nets.items()}, runs=RUNS)
    report(lat, label=f'predict {S} px')
    m = {k: r.median for k, r in res.items()}
    io = m['decode (JPEG)'] + m['encode (JPEG)']
    print(f'enhance overhead vs JPEG I/O: {(m["predict (thumbnail + net)"] + m["render (baked LUTs)"]) / io:.2f}')


if __name__ == '__main__':
    main()
