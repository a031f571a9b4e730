"""End-to-end tests of `filternet-coco export`, through the installed console script."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXE = ROOT/'.venv'/'bin'/'filternet-coco'

pytestmark = pytest.mark.skipif(not EXE.exists(), reason=f'console script not installed ({EXE}): pip install -e . --no-deps')

def export(*args):
    "Run `filternet-coco export ARGS`; the completed process."
    return subprocess.run([str(EXE), 'export', *map(str, args)], capture_output=True, text=True, timeout=300)

def test_coreml_untrained_pipeline(tmp_path):
    from filternet_coco.export import load_mlpackage, coreml_summary
    out = tmp_path/'fn.mlpackage'
    r = export('--format', 'coreml', '--backbone', 'squeezenet1_1', '--img-size', '64', '-o', out)
    assert r.returncode == 0, r.stderr
    assert 'max |export - PyTorch|' in r.stdout and out.is_dir()
    info = coreml_summary(load_mlpackage(out))
    assert info['inputs'] == {'image': ('image', 'RGB', (64, 64))}
    assert info['outputs'] == {'params': ('array', 'FLOAT32', (1, 6))}
    assert set(info['weights']) == {'float16'}
    assert info['metadata']['filters'] == 'temperature,exposure,brightness,contrast,shadows,highlights'

def test_bad_input_one_line(tmp_path):  # (unknown --format and a missing --model are tested in nbs/40_export)
    r = export('--backbone', 'vgg99', '-o', tmp_path/'x.onnx')
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and 'vgg99' in r.stderr, r.stderr
    assert 'Traceback' not in r.stderr and not (tmp_path/'x.onnx').exists()

def test_never_overwrites(tmp_path):
    out = tmp_path/'fn.onnx'; out.write_bytes(b'keep me')
    r = export('--backbone', 'squeezenet1_1', '--img-size', '64', '-o', out)
    assert r.returncode == 2 and '--overwrite' in r.stderr and out.read_bytes() == b'keep me'

@pytest.mark.parametrize('fmt, ext', [('coreml', '.mlpackage'), ('onnx', '.onnx')])
def test_shipped_model_exports(tmp_path, fmt, ext):
    "The default model (a silent CNN part: the predictor has no body) exports and passes the command's own check against PyTorch."
    out = tmp_path/f'filternet{ext}'
    r = export('--format', fmt, '-o', out)
    assert r.returncode == 0, r.stderr
    assert 'max |export - PyTorch|' in r.stdout and out.exists()
    if fmt == 'onnx':
        import onnx
        assert 'Conv' not in {n.op_type for n in onnx.load(out).graph.node} and out.stat().st_size < 2**20   # was 18.3 MiB with the body
    else:
        from filternet_coco.export import load_mlpackage, coreml_summary
        from filternet_coco.filternet.enhance import default_img_size
        info, S = coreml_summary(load_mlpackage(out)), default_img_size()
        assert info['inputs'] == {'image': ('image', 'RGB', (S, S))} and set(info['weights']) == {'float16'}
