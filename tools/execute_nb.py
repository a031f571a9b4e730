"""Execute notebooks and save their outputs (figures, printed tables) into them, then `nbdev_clean` them.

    python tools/execute_nb.py nbs/03_filters.ipynb [nbs/07_degrade.ipynb ...] [--flags slow]

Runs like the test runner does: in the notebook's folder, the repository first on `sys.path`, one
torch thread unless OMP_NUM_THREADS is set, matplotlib's Agg backend, and the cells flagged with a
`tst_flags` flag of settings.ini (slow, cuda, notest) skipped unless `--flags` names them; a skipped
cell keeps the outputs it already has. Stops at the first failing cell and leaves that notebook
unchanged (exit 1). Then lists each notebook's images and warns about any over --max-kb.
"""
import argparse, base64, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('MPLBACKEND', 'Agg')

def _skip_flags(force: list[str]) -> set[str]:
    "The settings.ini test flags not forced on."
    from nbdev.config import get_config
    return set(get_config(path=ROOT).tst_flags.split()) - set(force)

def _skipper(flags: set[str]):
    "A `preproc` for execnb: True for cells not to run (markdown, export calls, flagged or eval: false)."
    from nbdev.process import extract_directives
    def skip(cell) -> bool:
        if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
        d = extract_directives(cell, remove=False)
        return d.get('eval:', [''])[0].lower() == 'false' or bool(flags & d.keys())
    return skip

def execute(path: Path, flags: set[str], fmt: str = 'png') -> None:
    "Run every unflagged cell of `path` in a fresh shell and write the notebook back with its outputs."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    nb = read_nb(path); skip = _skipper(flags)
    old = {id(c): c.get('outputs', []) for c in nb.cells}
    for c in nb.cells:
        if c.cell_type == 'code' and not skip(c): c['outputs'] = []   # execnb leaves a silent cell's old outputs in place
    cwd = os.getcwd(); os.chdir(path.parent)
    try:
        sh = CaptureShell(path, mpl_format=fmt)   # plain png: execnb's default 'retina' doubles every figure
        sh.run_all(nb, exc_stop=True, preproc=skip)
    except Exception:
        sys.exit(f'execute_nb: {path} failed, left unchanged:\n{sh.prettytb(fname=path)}')
    finally: os.chdir(cwd)
    for c in nb.cells:
        if c.cell_type == 'code' and skip(c): c['outputs'] = old[id(c)]
    write_nb(nb, path)
    subprocess.run([str(Path(sys.executable).parent/'nbdev_clean'), '--fname', str(path)], check=True, cwd=ROOT)

def images(path: Path) -> list[tuple[int, int]]:
    "(cell index, bytes) of every PNG/JPEG output of `path`."
    import json
    out = []
    for i, c in enumerate(json.loads(path.read_text())['cells']):
        for o in c.get('outputs', []):
            for mime in ('image/png', 'image/jpeg'):
                if mime in o.get('data', {}): out.append((i, len(base64.b64decode(''.join(o['data'][mime])))))
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='+', type=Path)
    ap.add_argument('--flags', default='', help='test flags to run anyway, e.g. "slow"')
    ap.add_argument('--format', default='png', help="matplotlib inline format: png, retina, jpeg, svg")
    ap.add_argument('--max-kb', type=int, default=150, help='warn about images larger than this')
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    flags = _skip_flags(a.flags.split())
    for p in a.notebooks:
        p = p.resolve(); t = time.time()
        execute(p, flags, a.format)
        imgs = images(p)
        print(f'{p.relative_to(ROOT)}: executed in {time.time() - t:.0f}s; {len(imgs)} image(s), {sum(n for _, n in imgs) / 1024:.0f} kB', flush=True)
        for i, n in imgs:
            if n > a.max_kb * 1024: print(f'  warning: cell {i} holds a {n / 1024:.0f} kB image (over {a.max_kb} kB); lower its dpi or size')

if __name__ == '__main__': main()
