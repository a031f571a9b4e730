"End-to-end tests of `filternet-coco pairs` (the FilterNet training-pair builder) on real photos."
import hashlib, shutil, subprocess, sys
from pathlib import Path
import pytest, torch

from filternet_coco.cli import main
from filternet_coco.color import srgb_to_linear, linear_to_srgb
from filternet_coco.degrade import REGIMES
from filternet_coco.filters import color_matrix, EV_PER_UNIT
from filternet_coco.filternet.data import PairsDataset, pairs_dataloaders, read_index
from filternet_coco.params import parse_filters
from filternet_coco.samples import list_photos

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).parent/'filternet-coco'


@pytest.fixture(scope='module')
def photos(tmp_path_factory):
    "Three real photos (Kodak, lossless PNG) in a folder of their own."
    d = tmp_path_factory.mktemp('photos')
    for f in list_photos('kodak24')[:3]: shutil.copy(f, d)
    return d


def _digest(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(d.rglob('*')) if p.is_file()}


def _build(photos, out, *extra):
    return main(['pairs', str(photos), '-o', str(out), '--runs', '2', '--size', '64', *extra])


def test_same_seed_same_bytes(photos, tmp_path):
    assert _build(photos, tmp_path/'a') == 0
    assert _build(photos, tmp_path/'b') == 0
    a = _digest(tmp_path/'a')
    assert a == _digest(tmp_path/'b') and len(a) == 2 + 3 * 2 * 2
    assert _build(photos, tmp_path/'c', '--seed', '1') == 0
    assert _digest(tmp_path/'c')['index.csv'] != a['index.csv']


def test_console_script(photos, tmp_path):
    r = subprocess.run([str(CLI), 'pairs', str(photos), '-o', str(tmp_path/'s'), '--runs', '2', '--size', '64'], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert '6 pairs (train 2, valid 2, test 2)' in r.stdout
    r = subprocess.run([str(CLI), 'pairs', str(photos), '-o', str(tmp_path/'s')], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0 and 'already exists' in r.stderr and 'Traceback' not in r.stderr


def test_no_leakage_and_columns(photos, tmp_path):
    _build(photos, tmp_path/'d', '--filters', '7')
    rows = read_index(tmp_path/'d')
    assert list(rows[0])[:6] == ['source', 'split', 'run', 'regime', 'degraded', 'original']
    assert list(rows[0])[6:] == list(parse_filters(7))
    splits = {}
    for r in rows: splits.setdefault(r['source'], set()).add(r['split'])
    assert all(len(s) == 1 for s in splits.values())
    assert sorted(s for v in splits.values() for s in v) == ['test', 'train', 'valid']
    assert all((tmp_path/'d'/r[k]).is_file() for r in rows for k in ('degraded', 'original'))


@pytest.mark.parametrize('regime', ['moderate', 'strong'])
def test_params_inside_regime(photos, tmp_path, regime):
    _build(photos, tmp_path/regime, '--regime', regime, '--filters', '7', '--runs', '20', '--size', '16')
    rows = read_index(tmp_path/regime)
    for r in rows:
        assert r['regime'] == ('moderate' if r['split'] == 'test' else regime)
        for n in parse_filters(7):
            lo, hi = REGIMES[r['regime']].bounds(n)
            assert lo - 1e-5 <= r[n] <= hi + 1e-5, (r['source'], n, r[n])   # float32 params (<= 6e-8 off); the float32 floor


def test_undo_exposure_and_temperature(photos, tmp_path):
    "Stored 8-bit degraded thumbnail -> exact inverse of exposure and the colour matrix -> the original."
    _build(photos, tmp_path/'te', '--filters', 'te', '--runs', '4', '--size', '96')
    ds = PairsDataset(tmp_path/'te', 'train')
    errs = []
    for i in range(len(ds)):
        deg, orig = (t.as_subclass(torch.Tensor).double()[None] for t in ds[i])
        p = ds.params[i:i + 1].double()
        m = color_matrix(p[:, 0])
        lin = torch.einsum('bij,bjhw->bihw', m, srgb_to_linear(orig))
        ok = ((lin > 0) & (lin < 0.98) & (lin * torch.exp2(EV_PER_UNIT * p[:, 1]) < 0.98)).all(1)  # nothing clipped
        back = srgb_to_linear(deg) / torch.exp2(EV_PER_UNIT * p[:, 1])
        back = linear_to_srgb(torch.einsum('bij,bjhw->bihw', torch.linalg.inv(m), back))
        assert ok.float().mean() > 0.5
        errs.append((back - orig).abs().permute(1, 0, 2, 3)[:, ok])
    err = torch.cat([e.flatten() for e in errs]) * 255
    # only the 8-bit rounding of the stored degraded image remains (measured: max 1.33, mean 0.26 levels)
    assert err.max() <= 2 and err.mean() <= 0.35, (err.max(), err.mean())


def _refused(capsys, says, *args):
    "`_build(*args)` is refused like every bad input: exit status 2 and one stderr line saying `says`."
    capsys.readouterr()
    assert _build(*args) == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and says in err, err


def test_refuse_resume_overwrite(photos, tmp_path, capsys):
    out = tmp_path/'r'
    _build(photos, out)
    before = _digest(out)
    _refused(capsys, 'already exists', photos, out)
    (out/'index.csv').unlink()
    victim = next((out/'degraded').iterdir()); victim.unlink()
    assert _build(photos, out) == 0                      # resumes
    assert _digest(out) == before
    (out/'index.csv').unlink()
    _refused(capsys, 'another runs', photos, out, '--runs', '3')
    assert _build(photos, out, '--runs', '3', '--overwrite') == 0
    assert len(read_index(out)) == 9
    (tmp_path/'foreign').mkdir(); (tmp_path/'foreign'/'notes.txt').write_text('mine')
    _refused(capsys, 'not empty', photos, tmp_path/'foreign')
    _refused(capsys, 'photo folder not found', tmp_path/'nope', tmp_path/'x')


def test_dataloaders(photos, tmp_path):
    _build(photos, tmp_path/'l')
    dls = pairs_dataloaders(tmp_path/'l', bs=2, device='cpu')
    x, y = dls.one_batch()
    assert x.shape == y.shape == (2, 3, 64, 64) and x.dtype == torch.float32
    assert 0 <= float(x.min()) and float(x.max()) <= 1
    assert len(PairsDataset(tmp_path/'l', 'test')) == 2
