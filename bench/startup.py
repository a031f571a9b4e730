"""Start-up cost of `filternet-coco enhance` on one photo, as a ratio to a bare `python -c "import torch"`.

Both run as fresh processes on the same machine, timed with bench/_harness.py (one warm-up each, so the file
cache is warm for both, then the median of BENCH_RUNS interleaved runs, default 3); the photo is a Kodak PNG
(768 x 512) of the shared data. Also reports which heavy packages the enhance process imports (the training
stack must not be among them). Target: ratio <= 2. The last line is `enhance one photo / import torch: N.NN`.
"""
import os, subprocess, sys, tempfile
from pathlib import Path

from _harness import measure, ratio, report, device_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from filternet_coco.samples import list_photos

RUNS = int(os.environ.get('BENCH_RUNS', 3))
PY = sys.executable
CLI = str(Path(PY).parent/'filternet-coco')
ENV = {**os.environ, 'PYTHONPATH': str(ROOT)}


def run(cmd: list) -> str:
    "Run `cmd` in a fresh process (it must succeed); its stdout."
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=ENV)
    if r.returncode: raise SystemExit(f'{cmd[:3]} failed: {r.stderr.strip().splitlines()[-1:]}')
    return r.stdout


def main():
    photo = next(p for p in list_photos('kodak24') if p.name == 'kodim05.png')
    print(f'device: {device_name()}')
    with tempfile.TemporaryDirectory() as d:
        res = measure({'python -c "import torch"': lambda: run([PY, '-c', 'import torch']),
                       'filternet-coco enhance (1 photo)': lambda: run([CLI, 'enhance', str(photo), '-o', d, '--overwrite', '--no-progress'])},
                      runs=RUNS)
    report(res, label='start-up')
    probe = ('import sys, filternet_coco.filternet.enhance as e, numpy as np; e.enhance(np.zeros((64, 96, 3), np.uint8)); '
             'print(" ".join(m for m in ("fastai", "timm", "torchvision", "diffusers", "transformers") if m in sys.modules))')
    print(f'heavy packages imported by enhance: {run([PY, "-c", probe]).strip() or "none"}')
    print(f'enhance one photo / import torch: {ratio(res, "filternet-coco enhance (1 photo)"):.2f}')


if __name__ == '__main__':
    main()
