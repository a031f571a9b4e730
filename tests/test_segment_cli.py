"""End-to-end tests of `filternet-coco segment`, through the installed console script."""
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
EXE = ROOT/'.venv'/'bin'/'filternet-coco'
COCO = ROOT.parent/'shared'/'data'/'coco'
PHOTO = COCO/'images'/'000000000139.jpg'   # 640 x 426

pytestmark = [pytest.mark.skipif(not EXE.exists(), reason=f'console script not installed ({EXE}): pip install -e . --no-deps'),
              pytest.mark.skipif(not PHOTO.exists(), reason=f'COCO sample data not found at {COCO}')]

def segment(*args):
    "Run `filternet-coco segment ARGS`; the completed process."
    return subprocess.run([str(EXE), 'segment', *map(str, args)], capture_output=True, text=True, timeout=120)

def test_centre_box_mask(tmp_path):
    r = segment(PHOTO, '--prompt', 'cat', '-o', tmp_path/'m.png', '--model', 'centre-box')
    assert r.returncode == 0, r.stderr
    m = np.asarray(Image.open(tmp_path/'m.png'))
    assert m.shape == (426, 640) and set(np.unique(m)) == {0, 255}
    assert m[213, 320] == 255 and m[0, 0] == 0

def test_user_mask_passthrough(tmp_path):
    user = np.zeros((426, 640), np.uint8); user[100:300, 200:500] = 255
    Image.fromarray(user).save(tmp_path/'user.png')
    r = segment(PHOTO, '--mask', tmp_path/'user.png', '-o', tmp_path/'m.png')
    assert r.returncode == 0, r.stderr
    assert (np.asarray(Image.open(tmp_path/'m.png')) == user).all()

def test_never_overwrites(tmp_path):
    out = tmp_path/'m.png'; out.write_bytes(b'keep me')
    r = segment(PHOTO, '--prompt', 'cat', '-o', out, '--model', 'full')
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and '--overwrite' in r.stderr
    assert 'Traceback' not in r.stderr and out.read_bytes() == b'keep me'
    r = segment(PHOTO, '--prompt', 'cat', '-o', out, '--model', 'full', '--overwrite')
    assert r.returncode == 0 and np.asarray(Image.open(out)).min() == 255

@pytest.mark.parametrize('args, says', [
    (('missing.jpg', '--prompt', 'cat', '--model', 'full'), 'missing.jpg'),
    ((PHOTO, '--model', 'full'), '--prompt is required'),
    ((PHOTO, '--prompt', 'cat', '--model', 'no-such-model'), "unknown predictor 'no-such-model'"),
    ((PHOTO, '--mask', COCO/'images'/'000000000802.jpg'), 'does not match the photo'),
])
def test_bad_input_one_line(tmp_path, args, says):
    r = segment(*args, '-o', tmp_path/'m.png')
    assert r.returncode == 2, r.stderr
    assert r.stderr.count('\n') == 1 and says in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert not (tmp_path/'m.png').exists()
