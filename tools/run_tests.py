"""Run every test of the project and end with one line `N passed, N failed`.

1. the notebooks, through nbdev's own runner (`nbdev.test.test_nb`), skipping the
   flags listed in settings.ini `tst_flags` unless `--flags` forces some;
2. the imaging-core chapters (`nbs/0[0-8]_*`) a second time on torch's portable CPU kernels
   (`ATEN_CPU_CAPABILITY=default`, no AVX2 / AVX-512), so a result that holds only on one
   instruction set fails on the developer's machine first;
3. the end-to-end tests under `tests/` with pytest.
A notebook counts as one test per pass (it passes when every cell runs); pytest counts its own.
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

# The second pass: torch's portable kernels. (OpenBLAS's kernel choice is left to the machine: never set here.)
PORTABLE_CHAPTERS, PORTABLE_ENV = r'^0[0-8]_', {'ATEN_CPU_CAPABILITY': 'default'}

def _kernels_ok(env: dict) -> bool:
    "Did torch, if the notebook loaded it, run on the kernels `env` asks for?"
    if 'ATEN_CPU_CAPABILITY' not in env or 'torch' not in sys.modules: return True
    return sys.modules['torch'].backends.cpu.get_cpu_capability().lower() == env['ATEN_CPU_CAPABILITY'].lower()

def _test_one(args):
    path, flags, env = args
    os.environ.update(env)   # a fresh process per notebook: set before the notebook imports torch, gone after it
    from nbdev.config import get_config
    from nbdev.test import test_nb
    skip = [f for f in get_config().tst_flags.split() if f not in flags]
    t0 = time.time()
    ok, _ = test_nb(path, skip_flags=skip, force_flags=flags, basepath=get_config().config_path, do_print=False, showerr=True)
    if ok and not _kernels_ok(env): print(f'{path.name}: torch ignored {env}', flush=True); ok = False
    return path, ok, time.time() - t0

def run_notebooks(pattern, flags, workers, env=None):
    "Test the notebooks in parallel, in worker processes with `env` added to their environment; returns (passed, failed)."
    env = env or {}
    os.chdir(ROOT/'nbs')
    jobs = [(p, flags, env) for p in _notebooks(pattern)]
    label = ''.join(f' [{k}={v}]' for k, v in env.items())
    passed = failed = 0
    with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=1) as ex:  # a fresh process per notebook
        for path, ok, dt in ex.map(_test_one, jobs):
            print(f'{"ok  " if ok else "FAIL"} {path.relative_to(ROOT)}{label} ({dt:.1f}s)', flush=True)
            passed += ok; failed += not ok
    os.chdir(ROOT)
    return passed, failed

def portable_pattern(pattern=None) -> str:
    "The notebooks of the portable-kernel pass: the imaging-core chapters, within `pattern` when one is given."
    return PORTABLE_CHAPTERS if pattern is None else f'(?={PORTABLE_CHAPTERS})(?=.*(?:{pattern}))'

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
    ap.add_argument('--no-portable', dest='portable', action='store_false', help='skip the second pass of the core chapters on portable kernels')
    a = ap.parse_args()
    t0 = time.time()
    np_, nf = run_notebooks(a.pattern, a.flags.split(), a.workers)
    kp, kf = run_notebooks(portable_pattern(a.pattern), a.flags.split(), a.workers, PORTABLE_ENV) if a.portable else (0, 0)
    pp, pf = run_pytest(a.pattern)
    print(f'notebooks: {np_} passed, {nf} failed; portable kernels: {kp} passed, {kf} failed; pytest: {pp} passed, {pf} failed; {time.time() - t0:.0f}s')
    print(f'{np_ + kp + pp} passed, {nf + kf + pf} failed')
    sys.exit(1 if nf + kf + pf else 0)

if __name__ == '__main__': main()
