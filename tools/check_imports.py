"""Import hygiene: fail with one line per finding when a name is undefined, an import is unused, or a module does not import.

1. ruff's pyflakes rules F401 (unused import), F821/F822/F823 (undefined names) on the exported
   package (not the generated `_modidx.py`), `bench/`, `tools/` and `tests/`;
2. every module of the package imported on its own in a fresh process (forked from one that has
   loaded numpy and torch only, to save their start-up time per module), so a module that only works
   because another module of the package was imported first is caught;
3. no import cycle between the package's modules, counting every `import` statement (also those inside
   functions: a lazy import that runs back up a floor is still a cycle in the design).
Exit status 1 when anything was found. An import kept on purpose (a re-export for users, an import for its side
effect) says so with `# noqa: F401` on its line.
"""
import argparse, ast, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIB = 'filternet_coco'
PATHS = [LIB, 'bench', 'tools', 'tests']
RULES = 'F401,F821,F822,F823'

def lint_findings(paths=PATHS) -> list[str]:
    "One `file:line:col: CODE message` line per ruff finding."
    cmd = [sys.executable, '-m', 'ruff', 'check', '--no-cache', '--isolated', '--select', RULES,
           '--exclude', f'{LIB}/_modidx.py', '--output-format', 'concise', *[p for p in paths if (ROOT/p).exists()]]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode not in (0, 1): sys.exit(f'import check: ruff failed: {(r.stderr or r.stdout).strip()[-300:]}')
    return [l for l in r.stdout.splitlines() if l.count(':') >= 3 and not l.startswith(('Found', '['))]

def modules() -> list[str]:
    "Dotted names of every module of the package except the generated index."
    return sorted('.'.join(p.relative_to(ROOT).with_suffix('').parts).removesuffix('.__init__')
                  for p in (ROOT/LIB).rglob('*.py') if p.name != '_modidx.py' and '__pycache__' not in p.parts)

PRELOAD = ('numpy', 'torch')  # third-party only: loaded once, then each module is imported in a fork

def _import_one(mod: str) -> str | None:
    "None when `mod` imports in a process where no module of the package was imported yet, else why not."
    import importlib, traceback, warnings
    warnings.simplefilter('ignore')  # findings only, not library deprecations
    assert not [m for m in sys.modules if m.split('.')[0] == LIB], 'the parent must not import the package'
    try: importlib.import_module(mod); return None
    except BaseException as e:
        where = traceback.extract_tb(e.__traceback__)[-1]
        return f'{_path(mod)}: does not import on its own: {type(e).__name__}: {e} ({Path(where.filename).name}:{where.lineno})'

def _path(mod: str) -> str:
    "Source path of a dotted module name."
    p = ROOT.joinpath(*mod.split('.'))
    return str((p/'__init__.py' if p.is_dir() else p.with_suffix('.py')).relative_to(ROOT))

def import_findings(mods=None, workers=2) -> list[str]:
    "One line per module that fails to import on its own (each in a fresh forked process)."
    import importlib, multiprocessing as mp
    for m in PRELOAD: importlib.import_module(m)
    sys.path.insert(0, str(ROOT))
    with mp.get_context('fork').Pool(workers, maxtasksperchild=1) as pool:
        return [r for r in pool.map(_import_one, mods or modules(), chunksize=1) if r]

def import_graph(root: Path = ROOT, lib: str = LIB) -> dict[str, set[str]]:
    "{module: modules of the package it imports}, from every import statement of every module (relative ones resolved)."
    mods = {'.'.join(p.relative_to(root).with_suffix('').parts).removesuffix('.__init__'): p
            for p in (root/lib).rglob('*.py') if p.name != '_modidx.py' and '__pycache__' not in p.parts}
    graph = {}
    for mod, path in mods.items():
        pkg = mod.split('.') if path.name == '__init__.py' else mod.split('.')[:-1]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                base = '.'.join(pkg[:len(pkg) - node.level + 1] + ([node.module] if node.module else [])) if node.level else node.module
                names = [base] + [f'{base}.{a.name}' for a in node.names]
            deps |= {n for n in names if n in mods and n != mod}
        graph[mod] = deps
    return graph

def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    "Every cycle's modules (one list per strongly connected component with more than one module), Tarjan's algorithm."
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index: visit(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(sorted(comp))
    for v in sorted(graph):
        if v not in index: visit(v)
    return out

def cycle_findings() -> list[str]:
    "One line per import cycle in the package."
    return [f'import cycle between {", ".join(c)}' for c in import_cycles(import_graph())]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--no-imports', action='store_true', help='only lint; skip importing every module')
    ap.add_argument('--workers', type=int, default=min(2, os.cpu_count() or 1), help='modules imported at once')
    a = ap.parse_args()
    found = lint_findings() + cycle_findings() + ([] if a.no_imports else import_findings(workers=a.workers))
    for line in found: print(line)
    if found: sys.exit(f'import check: {len(found)} finding(s)')
    print(f'import check: clean ({len(modules())} modules import on their own, no import cycle)' if not a.no_imports else 'import check: clean')

if __name__ == '__main__': main()
