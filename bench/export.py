"""FilterNet predictor latency on CPU: onnxruntime vs PyTorch eager (the baseline), same process, same threads.

Model: the default weights if installed, else an EfficientNet-Lite0 FilterNet (ImageNet body, untrained head),
at the model's frame size (square, img_size: 128 px for the default weights, 299 for the fallback). Warm-up, then the median of RUNS timed runs per batch size; peak RSS; a final summary line.
Usage: .venv/bin/python bench/export.py [--runs 7] [--batches 1 8] [--threads N]   (BENCH_SMOKE=1: batch 1, one run)
"""
import argparse, resource, tempfile, time
from pathlib import Path
import torch

from _harness import device_name, smoke

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--runs', type=int, default=smoke(7, 1)); ap.add_argument('--batches', type=int, nargs='+', default=smoke([1, 8], [1]))
    ap.add_argument('--threads', type=int, default=None)
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    from filternet_coco.export import load_filternet, export_onnx, check_onnx, compare_latency
    from filternet_coco.filternet.enhance import DEFAULT_MODEL_DIR as DEFAULT_WEIGHTS
    from filternet_coco.filternet.model import FilterNet, FilterNetConfig
    if (DEFAULT_WEIGHTS/'config.json').is_file(): model, what = load_filternet(), f'default weights ({DEFAULT_WEIGHTS.name})'
    else:
        torch.manual_seed(0)
        model, what = FilterNet(FilterNetConfig(backbone='efficientnet_lite0', pretrained=True)).eval(), 'EfficientNet-Lite0 body (ImageNet), untrained head'
    print(f'device: {device_name()}')
    print(f'model: {what}, {model.config.backbone}, {model.config.img_size} px, filters {",".join(model.config.names)}')
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter(); path = export_onnx(model, Path(d)/'filternet.onnx'); t_exp = time.perf_counter() - t0
        err = check_onnx(model, path, batch_sizes=tuple(a.batches))
        print(f'ONNX export {t_exp:.1f} s, {path.stat().st_size / 2**20:.2f} MiB; max |onnxruntime - PyTorch| on params = {err:.2e}')
        if model.skips_body():   # the default model's CNN part is silent: the file has no body; the size with it, for comparison
            from enhance import with_body
            print(f'ONNX with the body (the export before issue 25): {export_onnx(with_body(model), Path(d)/"body.onnx").stat().st_size / 2**20:.2f} MiB')
        rows = [compare_latency(model, path, batch=b, runs=a.runs) for b in a.batches]
    print(f'{"batch":>5} {"torch ms":>9} {"onnx ms":>9} {"speed-up":>8} {"onnx img/s":>10}')
    for r in rows:
        print(f'{r["batch"]:>5} {r["torch_ms"]:>9.1f} {r["onnx_ms"]:>9.1f} {r["torch_ms"] / r["onnx_ms"]:>7.2f}x {1000 * r["batch"] / r["onnx_ms"]:>10.1f}')
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    r = rows[0]
    print(f'summary: batch {r["batch"]} onnxruntime {r["onnx_ms"]:.1f} ms vs PyTorch {r["torch_ms"]:.1f} ms '
          f'({r["torch_ms"] / r["onnx_ms"]:.2f}x), parity {err:.1e}, peak RSS {peak:.0f} MiB, {r["threads"]} threads')

if __name__ == '__main__': main()
