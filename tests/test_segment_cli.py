"""End-to-end tests of `filternet-coco segment`, through the installed console script (fixtures in conftest.py)."""
import numpy as np
import pytest
from PIL import Image

PHOTO = 'coco/images/000000000139.jpg'   # 640 x 426

def test_centre_box_mask(cli, data_dir, tmp_path):
    r = cli('segment', data_dir/PHOTO, '--prompt', 'cat', '-o', tmp_path/'m.png', '--model', 'centre-box')
    assert r.returncode == 0, r.stderr
    m = np.asarray(Image.open(tmp_path/'m.png'))
    assert m.shape == (426, 640) and set(np.unique(m)) == {0, 255}
    assert m[213, 320] == 255 and m[0, 0] == 0

def test_user_mask_passthrough(cli, data_dir, tmp_path):
    user = np.zeros((426, 640), np.uint8); user[100:300, 200:500] = 255
    Image.fromarray(user).save(tmp_path/'user.png')
    r = cli('segment', data_dir/PHOTO, '--mask', tmp_path/'user.png', '-o', tmp_path/'m.png')
    assert r.returncode == 0, r.stderr
    assert (np.asarray(Image.open(tmp_path/'m.png')) == user).all()

def test_never_overwrites(cli, data_dir, tmp_path):
    out = tmp_path/'m.png'; out.write_bytes(b'keep me')
    r = cli('segment', data_dir/PHOTO, '--prompt', 'cat', '-o', out, '--model', 'full')
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and '--overwrite' in r.stderr
    assert 'Traceback' not in r.stderr and out.read_bytes() == b'keep me'
    r = cli('segment', data_dir/PHOTO, '--prompt', 'cat', '-o', out, '--model', 'full', '--overwrite')
    assert r.returncode == 0 and np.asarray(Image.open(out)).min() == 255

def test_cocogold_defaults_are_the_pipelines(cli, data_dir, tmp_path):
    "No options = the saved pipeline's defaults (what the app uses too); the options reach the pipeline."
    from filternet_coco.cocogold.pipeline import load_small_pipeline, pipeline_predictor
    from filternet_coco.cocogold.segment import read_image, segment_image
    photo = read_image(data_dir/PHOTO)
    pipe = load_small_pipeline()
    for opts, kw in [((), {}), (('--steps', '2', '--scheduler', 'ddim', '--ensemble', '3'), dict(steps=2, scheduler='ddim', ensemble_size=3))]:
        r = cli('segment', data_dir/PHOTO, '--prompt', 'chair', '-o', tmp_path/'m.png', '--overwrite', *opts)
        assert r.returncode == 0, r.stderr
        got = np.asarray(Image.open(tmp_path/'m.png')) > 0
        assert (got == segment_image(photo, 'chair', pipeline_predictor(pipe, **kw))).all(), opts

@pytest.mark.parametrize('args, says', [
    (('missing.jpg', '--prompt', 'cat', '--model', 'full'), 'missing.jpg'),
    ((PHOTO, '--model', 'full'), '--prompt is required'),
    ((PHOTO, '--prompt', 'cat', '--model', 'no-such-model'), "unknown predictor 'no-such-model'"),
    ((PHOTO, '--prompt', 'cat', '--scheduler', 'euler'), "not 'euler'"),
    ((PHOTO, '--prompt', 'cat', '--ensemble', '0'), 'argument --ensemble: must be 1..16, got 0'),
    ((PHOTO, '--prompt', 'cat', '--model', 'full', '--steps', '4'), "takes no option(s) steps"),
    ((PHOTO, '--mask', 'coco/images/000000000802.jpg'), 'does not match the photo'),
])
def test_bad_input_one_line(cli, data_dir, tmp_path, args, says):
    args = [data_dir/a if str(a).startswith('coco/') else a for a in args]
    r = cli('segment', *args, '-o', tmp_path/'m.png')
    assert r.returncode == 2, r.stderr
    assert r.stderr.count('\n') == 1 and says in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert not (tmp_path/'m.png').exists()
