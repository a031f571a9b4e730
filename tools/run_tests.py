"""Run every test of the project and end with one line `N passed, N failed`.

1. the notebooks, through nbdev's own runner (`nbdev.test.test_nb`), skipping the
   flags listed in settings.ini `tst_flags` unless `--flags` forces some;
2. the end-to-end tests under `tests/` with pytest.
A notebook counts as one test (it passes when every cell runs); pytest counts its own.
"""
import argparse, os, re, subprocess, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# One BLAS/OpenMP thread per test process: the runners already use every core, and oversubscribed
# torch threads make small CPU models 20-60x slower.
os.environ.setdefault('OMP_NUM_THREADS', '1')

def _notebooks(pattern=None):
    nbs = sorted(p for p in (ROOT/'nbs').rglob('*.ipynb') if not any(part.startswith(('_', '.')) for part in p.relative_to(ROOT/'nbs').parts))
    return [p for p in nbs if pattern is None or re.search(pattern, p.name)]

def _test_one(args):
    path, flags = args
    from nbdev.config import get_config
    from nbdev.test import test_nb
    skip = [f for f in get_config().tst_flags.split() if f not in flags]
    t0 = time.time()
    ok, _ = test_nb(path, skip_flags=skip, force_flags=flags, basepath=get_config().config_path, do_print=False, showerr=True)
    return path, ok, time.time() - t0

def run_notebooks(pattern, flags, workers):
    "Test the notebooks in parallel; returns (passed, failed)."
    os.chdir(ROOT/'nbs')
    jobs = [(p, flags) for p in _notebooks(pattern)]
    passed = failed = 0
    with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=1) as ex:  # a fresh process per notebook
        for path, ok, dt in ex.map(_test_one, jobs):
            print(f'{"ok  " if ok else "FAIL"} {path.relative_to(ROOT)} ({dt:.1f}s)', flush=True)
            passed += ok; failed += not ok
    os.chdir(ROOT)
    return passed, failed

def run_pytest(pattern):
    "Run pytest on tests/; returns (passed, failed)."
    if not any((ROOT/'tests').glob('test_*.py')): return 0, 0
    cmd = [sys.executable, '-m', 'pytest', str(ROOT/'tests'), '-q', '-rs', '-p', 'no:cacheprovider'] + (['-k', ' or '.join(pattern.split('|'))] if pattern else [])
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    print(r.stdout[-6000:], r.stderr[-2000:], sep='', flush=True)
    counts = {k: int(n) for n, k in re.findall(r'(\d+) (passed|failed|errors?)', r.stdout.splitlines()[-1] if r.stdout else '')}
    failed = counts.get('failed', 0) + counts.get('error', 0) + counts.get('errors', 0)
    if r.returncode not in (0, 5) and not failed: failed = 1  # pytest itself broke
    return counts.get('passed', 0), failed

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('-k', dest='pattern', help='only notebooks / tests whose name matches this regex')
    ap.add_argument('--flags', default='', help='test flags to run anyway, e.g. "slow"')
    ap.add_argument('--workers', type=int, default=min(2, os.cpu_count() or 1))
    a = ap.parse_args()
    t0 = time.time()
    np_, nf = run_notebooks(a.pattern, a.flags.split(), a.workers)
    pp, pf = run_pytest(a.pattern)
    print(f'notebooks: {np_} passed, {nf} failed; pytest: {pp} passed, {pf} failed; {time.time() - t0:.0f}s')
    print(f'{np_ + pp} passed, {nf + pf} failed')
    sys.exit(1 if nf + pf else 0)

if __name__ == '__main__': main()
