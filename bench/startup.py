"""Start-up cost of `filternet-coco enhance` on one photo, as a ratio to a bare `python -c "import torch"`.

Both run as fresh processes on the same machine (median of BENCH_RUNS, default 3, after one warm-up each, so the
file cache is warm for both); the photo is a Kodak PNG (768 x 512) of the shared data. Also reports which heavy
packages the enhance process imports (the training stack must not be among them). Target: ratio <= 2.
The last line is `enhance one photo / import torch: N.NN`.
"""
import os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from filternet_coco.samples import list_photos

RUNS = int(os.environ.get('BENCH_RUNS', 3))
PY = sys.executable
CLI = str(Path(PY).parent/'filternet-coco')


def wall(cmd: list) -> float:
    "Seconds of one run of `cmd` (must succeed)."
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, 'PYTHONPATH': str(ROOT)})
    if r.returncode: raise SystemExit(f'{cmd[:3]} failed: {r.stderr.strip().splitlines()[-1:]}')
    return time.perf_counter() - t0


def median_wall(cmd: list) -> float:
    wall(cmd)   # warm-up: file cache
    return statistics.median(wall(cmd) for _ in range(RUNS))


def main():
    photo = next(p for p in list_photos('kodak24') if p.name == 'kodim05.png')
    with tempfile.TemporaryDirectory() as d:
        t_torch = median_wall([PY, '-c', 'import torch'])
        t_enh = median_wall([CLI, 'enhance', str(photo), '-o', d, '--overwrite', '--no-progress'])
    probe = ('import sys, filternet_coco.filternet.enhance as e, numpy as np; e.enhance(np.zeros((64, 96, 3), np.uint8)); '
             'print(" ".join(m for m in ("fastai", "timm", "torchvision", "diffusers", "transformers") if m in sys.modules))')
    heavy = subprocess.run([PY, '-c', probe], capture_output=True, text=True, cwd=ROOT, env={**os.environ, 'PYTHONPATH': str(ROOT)}).stdout.strip()
    print(f'python -c "import torch": {t_torch:.2f} s (median of {RUNS})')
    print(f'filternet-coco enhance one photo: {t_enh:.2f} s (median of {RUNS})')
    print(f'heavy packages imported by enhance: {heavy or "none"}')
    print(f'enhance one photo / import torch: {t_enh / t_torch:.2f}')


if __name__ == '__main__':
    main()
