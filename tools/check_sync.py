"""Fail with one line when the notebooks, the exported modules and README.md disagree.

Works on a temporary copy, so it never changes the working tree:
`nbdev_export` must not change `filternet_coco/`, `nbdev_clean` must not change
`nbs/`, and `tools/make_readme.py` must not change `README.md`.
"""
import filecmp, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIB, NBS = 'filternet_coco', 'nbs'
SKIP = {'__pycache__', '.ipynb_checkpoints', 'weights', 'assets'}

def _files(d: Path):
    "Relative paths of the source files under `d`."
    return {p.relative_to(d) for p in d.rglob('*') if p.is_file() and not SKIP & set(p.parts) and p.suffix in ('.py', '.ipynb')}

def _diff(a: Path, b: Path):
    "Files that differ between two trees (added, removed or changed)."
    fa, fb = _files(a), _files(b)
    changed = {f for f in fa & fb if not filecmp.cmp(a/f, b/f, shallow=False)}
    return sorted(str(f) for f in (fa ^ fb) | changed)

def _run(tmp, *cmd):
    r = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
    if r.returncode: sys.exit(f'sync check: `{" ".join(cmd)}` failed: {(r.stderr or r.stdout).strip().splitlines()[-1:]}')

def main():
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for f in ('settings.ini', 'README.md'): shutil.copy(ROOT/f, tmp/f)
        shutil.copytree(ROOT/NBS, tmp/NBS, ignore=shutil.ignore_patterns(*SKIP))
        shutil.copytree(ROOT/LIB, tmp/LIB, ignore=shutil.ignore_patterns('__pycache__'))
        (tmp/'tools').mkdir(); shutil.copy(ROOT/'tools'/'make_readme.py', tmp/'tools')
        _run(tmp, str(bindir/'nbdev_export'))
        _run(tmp, str(bindir/'nbdev_clean'))
        _run(tmp, sys.executable, 'tools/make_readme.py')
        problems = [f'nbdev_export would change {LIB}/{f}' for f in _diff(ROOT/LIB, tmp/LIB)]
        problems += [f'nbdev_clean would change {NBS}/{f}' for f in _diff(ROOT/NBS, tmp/NBS)]
        if not filecmp.cmp(ROOT/'README.md', tmp/'README.md', shallow=False): problems.append('README.md is stale (make readme)')
    if problems:
        sys.exit(f'out of sync: {"; ".join(problems[:6])}{" ..." if len(problems) > 6 else ""} -- run `make sync` and commit notebooks and modules together')
    print('sync check: notebooks, modules and README agree')

if __name__ == '__main__': main()
