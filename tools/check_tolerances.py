"""Fail with one line per float comparison tighter than the tolerance rule of CONTRIBUTING.md allows.

Scans the code cells of `nbs/*.ipynb` and the files `tests/*.py` for
1. exact comparisons of tensors or arrays (`torch.equal`, `np.array_equal`, `assert_array_equal`,
   `assert_close(..., rtol=0, atol=0)`): right only for integer or copied data;
2. tolerances below 1e-9 (`eps=` / `atol=` / `rtol=` of `test_close`, `allclose`, `isclose`, `assert_allclose`,
   `assert_close`, `gradcheck`, or the smallest literal on the right of `assert err < ...`): below what float64
   linear algebra or another library's derivation guarantees (about cond(A) * 1e-16 per step);
   (or a small literal added to a bound: `x <= hi + 1e-12`);
3. tolerances below 1e-5 where the cell (in a notebook) or the function (in a test file) never mentions float64
   (`float64`, `double`, `gradcheck`): below what a float32 chain guarantees (about k * 6e-8 for k operations).
A comparison that is right anyway says why with a marker comment on its line or on the comment lines just above it:
`# tol: exact — copied data`, `# tol: <the analysis>`. Comparisons `not torch.equal(...)` (things that must differ)
are not tolerances. `test_eq` on float results is not seen (its operands' dtypes are not known before running).
Exit status 1 when anything was found; `--list` prints every comparison seen, with the tolerance read.
"""
import argparse, ast, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOAT64_FLOOR, FLOAT32_FLOOR = 1e-9, 1e-5
MARKER = re.compile(r'#\s*tol:', re.I)
FLOAT64 = re.compile(r'float64|double|gradcheck')
EXACT = {'equal', 'array_equal', 'assert_array_equal', 'assert_equal'}   # torch.equal, np.array_equal, np.testing.*
TOLERANT = {'test_close': 2, 'allclose': 2, 'isclose': 2, 'assert_allclose': 2, 'assert_close': None, 'gradcheck': None}  # name: position of eps/rtol
TOL_KW = {'eps', 'atol', 'rtol'}
DEFAULT_TOL = {'assert_allclose': 1e-7}   # numpy's assert_allclose defaults to rtol 1e-7: too tight for float32

def _name(f: ast.expr) -> str:
    "Last component of a called name: `np.testing.assert_allclose` -> `assert_allclose`."
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ''

def _number(e: ast.expr) -> float | None:
    "The value of a literal number expression (`1e-6`, `0.5 / 255 + 1e-6`), else None."
    try: v = eval(compile(ast.Expression(e), '<tol>', 'eval'), {'__builtins__': {}})
    except Exception: return None
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

def _literals(e: ast.expr) -> list[float]:
    "Positive numeric literals below 1e-2 inside `e` (the tolerance-like terms of a bound)."
    return [float(n.value) for n in ast.walk(e) if isinstance(n, ast.Constant) and isinstance(n.value, (int, float))
            and not isinstance(n.value, bool) and 0 < n.value < 1e-2]

def _slacks(c: ast.Compare) -> list[float]:
    "Small literals added to or taken from either side of a comparison: the slack of `x <= bound + 1e-6`."
    return [v for side in (c.left, *c.comparators) for b in ast.walk(side) if isinstance(b, ast.BinOp) and isinstance(b.op, (ast.Add, ast.Sub))
            for o in (b.left, b.right) for v in _literals(o) if isinstance(o, ast.Constant)]

def _call_tolerances(c: ast.Call) -> list[float]:
    "The tolerances a tolerant comparison call is given (keywords or its positional tolerance)."
    tols = [_number(k.value) for k in c.keywords if k.arg in TOL_KW]
    pos = TOLERANT[_name(c.func)]
    if pos is not None and len(c.args) > pos: tols.append(_number(c.args[pos]))
    rtol_given = any(k.arg == 'rtol' for k in c.keywords) or pos is not None and len(c.args) > pos
    if _name(c.func) in DEFAULT_TOL and not rtol_given: tols.append(DEFAULT_TOL[_name(c.func)])
    return [t for t in tols if t is not None]

def _is_error(e: ast.expr) -> bool:
    "Does the left side of `assert e < bound` look like an error (a difference, an abs, a name like err / diff / gap)?"
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) or isinstance(n, (ast.Name, ast.Attribute)) and
               re.search(r'abs|err|diff|gap|dev', _name(n)) for n in ast.walk(e))

def comparisons(tree: ast.AST):
    "Yield (node, kind, tolerance) for each comparison in `tree`: kind 'exact' (tolerance 0) or 'tol'."
    negated = {id(n.operand) for n in ast.walk(tree) if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not)}
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and id(n) not in negated and _name(n.func) in EXACT: yield n, 'exact', 0.
        elif isinstance(n, ast.Call) and _name(n.func) in TOLERANT:
            tols = _call_tolerances(n)
            if _name(n.func) == 'assert_close' and tols and max(tols) == 0: yield n, 'exact', 0.
            elif tols: yield n, 'tol', min(t for t in tols if t > 0) if any(t > 0 for t in tols) else 0.
        elif isinstance(n, ast.Assert):
            for c in (x for x in ast.walk(n.test) if isinstance(x, ast.Compare)):
                lits = _slacks(c) + ([v for op, r in zip(c.ops, c.comparators) if isinstance(op, (ast.Lt, ast.LtE)) for v in _literals(r)]
                                     if _is_error(c.left) else [])
                if lits: yield c, 'tol', min(lits)

def _marked(lines: list[str], node: ast.AST) -> bool:
    "Does the statement carry a `# tol:` marker on its lines or on the comment lines just above?"
    if any(MARKER.search(l) for l in lines[node.lineno - 1:node.end_lineno]): return True
    i = node.lineno - 2
    while i >= 0 and lines[i].strip().startswith('#'):
        if MARKER.search(lines[i]): return True
        i -= 1
    return False

def _why(kind: str, tol: float, float64: bool) -> str | None:
    "Why this comparison breaks the rule, or None when it does not."
    if kind == 'exact': return 'exact float comparison: right only for integer or copied data'
    if tol < FLOAT64_FLOOR: return f'tolerance {tol:g} < {FLOAT64_FLOOR:g}: below float64 linear algebra / another library (~cond * 1e-16 per step)'
    if tol < FLOAT32_FLOOR and not float64: return f'tolerance {tol:g} < {FLOAT32_FLOOR:g} with no float64 in sight: below a float32 chain (~k * 6e-8)'
    return None

def check_source(src: str, where: str, listing: bool = False) -> list[str]:
    "Findings (`where:line: why`) for one cell or file; with `listing`, every comparison seen."
    src = re.sub(r'(?m)^(\s*)[%!].*$', r'\1pass', src)   # IPython magics and shell lines
    try: tree = ast.parse(src)
    except SyntaxError as e: return [f'{where}:{e.lineno}: cannot parse ({e.msg}); the tolerance check cannot read it']
    lines, out = src.splitlines(), []
    funcs = [f for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for node, kind, tol in sorted(comparisons(tree), key=lambda t: t[0].lineno):
        scope = min((f for f in funcs if f.lineno <= node.lineno <= f.end_lineno), key=lambda f: f.end_lineno - f.lineno, default=None) if where.endswith('.py') else None
        text = '\n'.join(lines[scope.lineno - 1:scope.end_lineno]) if scope else src
        why = _why(kind, tol, bool(FLOAT64.search(text)))
        if listing: out.append(f'{where}:{node.lineno}: {kind} {tol:g}{" (marked)" if _marked(lines, node) else ""}{" FLAG" if why and not _marked(lines, node) else ""}')
        elif why and not _marked(lines, node): out.append(f'{where}:{node.lineno}: {why}; say why with a `# tol: ...` comment or loosen it')
    return out

def check_notebook(path: Path, listing: bool = False) -> list[str]:
    "Findings for every code cell of a notebook, as `nbs/x.ipynb:cell N:line: why`."
    cells = json.loads(path.read_text())['cells']
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return [f for i, c in enumerate(cells) if c['cell_type'] == 'code'
            for f in check_source(''.join(c['source']), f'{rel}:cell {i}', listing)]

def check_files(paths, listing: bool = False) -> list[str]:
    "Findings for notebooks and Python test files."
    out = []
    for p in map(Path, paths):
        if p.suffix == '.ipynb': out += check_notebook(p, listing)
        else: out += check_source(p.read_text(), f'{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}', listing)
    return out

def default_paths() -> list[Path]:
    "The project's notebooks (not `_` scratch ones) and test files."
    nbs = [p for p in sorted((ROOT/'nbs').glob('*.ipynb')) if not p.name.startswith(('_', '.'))]
    return nbs + sorted((ROOT/'tests').glob('test_*.py'))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('paths', nargs='*', help='notebooks / test files (default: nbs/*.ipynb and tests/test_*.py)')
    ap.add_argument('--list', action='store_true', help='print every comparison seen and its tolerance')
    a = ap.parse_args()
    found = check_files(a.paths or default_paths(), a.list)
    if found: print(*found, sep="\n")
    if a.list: return
    if found: sys.exit(f'tolerance check: {len(found)} comparison(s) tighter than the rule (CONTRIBUTING.md, "Tolerances")')

if __name__ == '__main__': main()
