"""`tools/check_tolerances.py` (part of `make test`): small fake cells it must flag and ones it must pass."""
import json, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'tools'))
try: import check_tolerances as ct
finally: sys.path.remove(str(ROOT/'tools'))

FLAGGED = {
    'float64 another library at 1e-12': 'a = derive()\ntest_close(a, shipped, eps=1e-12)',
    'float32 chain at 1e-6, no float64': 'y = net(x)\ntest_close(y, ref, eps=1e-6)',
    'exact tensors': 'assert torch.equal(ours(x), timm_model(x))',
    'exact arrays': 'np.testing.assert_array_equal(a, b)',
    'assert_close with no tolerance': 'torch.testing.assert_close(a, b, rtol=0, atol=0)',
    'allclose atol': 'x = torch.rand(3, dtype=torch.float64)\nassert np.allclose(f(x), g(x), atol=1e-13)',
    'error bound': 'err = (a - b).abs().max()\nassert err < 1e-7',
    'slack on a bound': 'assert (q - x).abs().max() <= 0.5 / 1023 + 1e-12',
    'slack on both sides': 'assert lo - 1e-6 <= v <= hi + 1e-6',
    'numpy default rtol 1e-7': 'np.testing.assert_allclose(net(x), ref)',
    'marker elsewhere': '# tol: exact — this comment is about the next block, not this line\n\ntest_close(a, b, eps=1e-12)',
}
PASSED = {
    'float32 at the floor': 'test_close(net(x), ref, eps=1e-5)',
    'float64 at the floor': 'x = torch.rand(3, dtype=torch.float64)\ntest_close(f(x), g(x), eps=1e-9)',
    'float64 in a comment': '# float64 on both sides, ~10 roundings\ntest_close(f(x), g(x), eps=1e-9)',
    'gradcheck is float64': 'assert torch.autograd.gradcheck(f, (x,), atol=1e-6)',
    'default eps': 'test_close(a, b)',
    'loose bound': 'assert (a - b).abs().max() < 1e-3',
    'numpy rtol given': 'np.testing.assert_allclose(net(x), ref, 1e-5)',
    'marker on the line': 'assert np.array_equal(f[k], d[k])   # tol: exact — raw float64 bytes copied',
    'marker above': '# tol: the file has 6 decimals: rounding <= 5e-7\ntest_close(read(f), baked, eps=1e-6)',
    'things that must differ': 'assert not torch.equal(a, b)',
    'not a tolerance': 'assert out.abs().mean() < ref.abs().mean() / 4\nassert (p.abs() < 1).all()',
    'magics': '%time y = f(x)\n!ls\ntest_close(y, 1., eps=1e-5)',
}

@pytest.mark.parametrize('name', FLAGGED)
def test_flags(name):
    found = ct.check_source(FLAGGED[name], 'x.py')
    assert len(found) >= 1 and all(f.startswith('x.py:') and '# tol:' in f for f in found), found

@pytest.mark.parametrize('name', PASSED)
def test_passes(name):
    assert ct.check_source(PASSED[name], 'x.py') == []

def test_reads_the_tolerance():
    "The finding names the tolerance and the floor it is below; one finding per comparison."
    found = ct.check_source('test_close(a, b, eps=1e-12)\ntest_close(a, b, eps=1e-3)\nassert torch.equal(a, b)', 'x.py')
    assert len(found) == 2
    assert found[0].startswith('x.py:1: tolerance 1e-12 < 1e-09') and found[1].startswith('x.py:3: exact float comparison')

def test_float64_scope_is_the_function_in_test_files():
    "In a test file float64 counts only inside the same function; in a notebook, inside the same cell."
    src = 'def test_a():\n    x = torch.rand(3, dtype=torch.float64)\n\ndef test_b():\n    test_close(f(x), g(x), eps=1e-9)\n'
    assert [f.split(':')[1] for f in ct.check_source(src, 'tests/test_x.py')] == ['5']
    assert ct.check_source(src, 'nbs/x.ipynb:cell 3') == []

def test_notebook_cells_and_exit_status(tmp_path):
    "file:cell N:line for notebooks, exit status 1 and a summary line; 0 and silence when clean."
    cell = lambda src, kind='code': {'cell_type': kind, 'metadata': {}, 'source': src, **({'outputs': [], 'execution_count': None} if kind == 'code' else {})}
    nb = {'cells': [cell('# Title', 'markdown'), cell('x = 1\ntest_close(f(x), 2., eps=1e-7)')], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}
    (tmp_path/'01_x.ipynb').write_text(json.dumps(nb))
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'check_tolerances.py'), str(tmp_path/'01_x.ipynb')], capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout.startswith(f'{tmp_path/"01_x.ipynb"}:cell 1:2: tolerance 1e-07 < 1e-05'), r.stdout
    assert r.stderr.strip().endswith('1 comparison(s) tighter than the rule (CONTRIBUTING.md, "Tolerances")')
    nb['cells'][1]['source'] = 'test_close(f(x), 2., eps=1e-7)   # tol: f is exact on integers'
    (tmp_path/'01_x.ipynb').write_text(json.dumps(nb))
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'check_tolerances.py'), str(tmp_path/'01_x.ipynb')], capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, '', '')
