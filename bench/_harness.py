"""The one benchmark harness of `bench/`: warm-up, several timed runs, the median, peak memory,
pixels per second, the device name, and a baseline measured in the same run with the ratio to it.

    from _harness import measure, report, device_name
    res = measure({'baseline': lambda: f0(x), 'ours': lambda: f1(x)}, runs=5, pixels=x.shape[0] * x.shape[1])
    report(res, baseline='baseline')

Methods are interleaved (A B A B ...) so a busy machine's changing load hits all alike. Peak memory
is the growth of the resident set size over the call, sampled every 2 ms (so C and CUDA-host
allocations count), plus the CUDA peak when the call used the GPU. Numbers compare only within one run.

Smoke mode (`BENCH_SMOKE=1`): every script runs at a tiny size (`smoke(full, tiny)` picks the size),
one timed run without warm-up, in seconds, so tests/test_bench.py can prove in `make test` that each
still runs to its summary line; its numbers mean nothing. Each script's last line is its one-line summary.

    python bench/_harness.py [--smoke]      # every bench/[!_]*.py in turn, then one summary line per script

is what `make bench` runs (full size): a script that fails is reported and the others still run.
"""
from __future__ import annotations
import argparse, os, platform, statistics, subprocess, sys, threading, time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))  # run from a checkout without installing
SMOKE = os.environ.get('BENCH_SMOKE', '') not in ('', '0')

def smoke(full, tiny):
    "`tiny` in smoke mode (BENCH_SMOKE=1), else `full`."
    return tiny if SMOKE else full

@dataclass
class Result:
    "Timings of one method: every run's seconds, peak memory growth (bytes), pixels per call, last output."
    name: str
    times: list = field(default_factory=list)
    peak: int = 0
    pixels: int | None = None
    out: object = None
    @property
    def median(self) -> float: return statistics.median(self.times)
    @property
    def px_per_s(self) -> float | None: return self.pixels / self.median if self.pixels else None

def device_name() -> str:
    "CPU model and core count, torch threads and the GPU name when torch is loaded."
    try: cpu = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): cpu = platform.processor() or platform.machine()
    s = f'{cpu}, {os.cpu_count()} cores'
    torch = sys.modules.get('torch')
    if torch is not None:
        s += f', torch {torch.__version__} ({torch.get_num_threads()} threads)'
        if torch.cuda.is_available(): s += f', GPU {torch.cuda.get_device_name()}'
    if hasattr(os, 'getloadavg'): s += f', load average {os.getloadavg()[0]:.1f}'
    return s + (', SMOKE RUN (tiny sizes, one run: not a measurement)' if SMOKE else '')

def _rss() -> int:
    "Resident set size of this process in bytes (0 where /proc is missing)."
    try:
        with open('/proc/self/statm') as f: return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
    except OSError: return 0

def _cuda():
    "torch.cuda when torch is loaded and a GPU is present, else None."
    torch = sys.modules.get('torch')
    return torch.cuda if torch is not None and torch.cuda.is_available() else None

def timed_call(f) -> tuple[float, int, object]:
    "Seconds, peak memory growth in bytes (RSS sampled every 2 ms, plus CUDA peak) and the result of one call of `f`."
    cuda = _cuda()
    if cuda: cuda.synchronize(); cuda.reset_peak_memory_stats(); c0 = cuda.memory_allocated()
    base = _rss(); stop, high = threading.Event(), [base]
    def sample():
        while not stop.is_set(): high[0] = max(high[0], _rss()); time.sleep(0.002)
    th = threading.Thread(target=sample, daemon=True); th.start()
    t = time.perf_counter(); out = f()
    if cuda: cuda.synchronize()
    t = time.perf_counter() - t
    stop.set(); th.join()
    return t, high[0] - base + (cuda.max_memory_allocated() - c0 if cuda else 0), out

def measure(fs: dict, runs: int = 5, warmup: int = 1, pixels: int | None = None) -> dict[str, Result]:
    "Warm each function of `fs` up, then time `runs` interleaved rounds; a `Result` per name (the first is the baseline by default)."
    if SMOKE: runs, warmup = 1, 0
    for _ in range(warmup):
        for f in fs.values(): f()
    res = {k: Result(k, pixels=pixels) for k in fs}
    for _ in range(runs):
        for k, f in fs.items():
            res[k].out = None                       # free the previous output before the next call
            t, mem, out = timed_call(f)
            r = res[k]; r.times.append(t); r.peak = max(r.peak, mem); r.out = out
    return res

def ratio(res: dict[str, Result], name: str, baseline: str | None = None) -> float:
    "Median time of `name` divided by the baseline's (the first method unless named): < 1 is faster."
    return res[name].median / res[baseline or next(iter(res))].median

def report(res: dict[str, Result], baseline: str | None = None, label: str = '', file=None):
    "Print one table row per method: median, all runs, pixels/s, time ratio to the baseline, peak MB."
    baseline = baseline or next(iter(res))
    print(f'{label:<16} {"method":<30} {"median s":>9} {"MP/s":>7} {"× baseline":>10} {"peak MB":>8}  runs', file=file)
    for k, r in res.items():
        mps = f'{r.px_per_s / 1e6:7.1f}' if r.px_per_s else f'{"—":>7}'
        mark = '(baseline)' if k == baseline else f'{ratio(res, k, baseline):10.2f}'
        print(f'{label:<16} {k:<30} {r.median:9.3f} {mps} {mark:>10} {r.peak / 2**20:8.0f}  '
              + ' '.join(f'{t:.3f}' for t in r.times), file=file, flush=True)

def scripts(folder: Path = ROOT/'bench') -> list[Path]:
    "The benchmark scripts of `folder`: every `*.py` not starting with `_`, in name order."
    return sorted(p for p in folder.glob('*.py') if not p.name.startswith('_'))

def _tee(stream, out, lines: list):
    "Copy the lines of `stream` to `out` as they come, keeping them in `lines`."
    for line in stream: out.write(line); out.flush(); lines.append(line)

def run_script(path: Path, smoke_run: bool = False) -> tuple[int, str]:
    "Run one benchmark script in a fresh process, its output streamed through; (exit status, its last stdout line or its error's)."
    env = {**os.environ, 'BENCH_SMOKE': '1' if smoke_run else '0',
           'PYTHONPATH': os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))}
    proc = subprocess.Popen([sys.executable, str(path)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = [], []
    th = threading.Thread(target=_tee, args=(proc.stderr, sys.stderr, err), daemon=True); th.start()
    _tee(proc.stdout, sys.stdout, out); proc.wait(); th.join()
    last = lambda lines: next((l.strip() for l in reversed(lines) if l.strip()), '(no output)')
    return proc.returncode, last(err) if proc.returncode else last(out)

def run_all(paths: list[Path], smoke_run: bool = False) -> int:
    "Run every script of `paths`, then print one summary line per script; 1 when any failed."
    done = []
    for p in paths:
        print(f'== {p.relative_to(p.parent.parent)}', flush=True)
        done.append((p, *run_script(p, smoke_run)))
    print(f'== summary ({"smoke run: tiny sizes, not measurements" if smoke_run else "full size"})')
    for p, rc, last in done: print(f'{p.name:<12} {last if rc == 0 else f"FAILED (exit {rc}): {last}"}')
    return int(any(rc for _, rc, _ in done))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description='Run every benchmark of bench/ and end with one summary line per script.')
    ap.add_argument('--smoke', action='store_true', help='tiny sizes, one run each: seconds, to check that every script still runs')
    sys.exit(run_all(scripts(), ap.parse_args().smoke))
