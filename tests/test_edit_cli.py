"""Tests of `filternet-coco edit` (COCONET): in-process through `cli.main`, and once through the console script."""
import json, subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from filternet_coco.cli import main

from conftest import ENV, ROOT
COCO = ROOT.parent/'shared'/'data'/'coco'
PHOTO = COCO/'images'/'000000022192.jpg'   # a dark dog in a bright room, 640 x 426
pytestmark = pytest.mark.usefixtures('data_dir')          # missing data: the tests fail

@pytest.fixture(scope='module')
def dog_mask(tmp_path_factory) -> Path:
    "The ground-truth COCO mask of the dog, as a PNG (255 = dog)."
    from filternet_coco.cocogold.data import load_coco, category_mask
    coco = load_coco(COCO)
    m = category_mask(coco, 22192, coco.getCatIds(catNms=['dog'])[0])
    path = tmp_path_factory.mktemp('masks')/'dog.png'
    Image.fromarray(m.astype(np.uint8) * 255).save(path)
    return path

@pytest.fixture
def brighter(tmp_path) -> Path:
    path = tmp_path/'p.json'; path.write_text(json.dumps({'exposure': 0.5})); return path

def pixels(path):
    "Decoded RGB pixels as int (through the library's reader: this JPEG carries an ICC profile converted to sRGB)."
    from filternet_coco.io import read_photo
    return read_photo(path).pixels.astype(int)

def test_brighten_only_the_dog(tmp_path, dog_mask, brighter):
    out, alpha = tmp_path/'out.png', tmp_path/'alpha.png'
    assert main(['edit', str(PHOTO), '--mask', str(dog_mask), '--params', str(brighter), '-o', str(out), '--save-mask', str(alpha)]) == 0
    a, src, res, dog = np.asarray(Image.open(alpha)), pixels(PHOTO), pixels(out), np.asarray(Image.open(dog_mask)) > 0
    assert res.shape == src.shape and a.shape == src.shape[:2]
    assert (res[a == 0] == src[a == 0]).all() and (a == 0).mean() > 0.5       # untouched outside, bit for bit
    assert res[dog].mean() > src[dog].mean() + 15                            # one stop brighter inside

def test_bbox_with_a_registry_predictor(tmp_path, brighter):
    out = tmp_path/'out.png'
    assert main(['edit', str(PHOTO), '-p', 'dog', '--model', 'centre-box', '--method', 'bbox', '--params', str(brighter), '-o', str(out)]) == 0
    src, res = pixels(PHOTO), pixels(out)
    assert (res[0, 0] == src[0, 0]).all() and res[213, 320].sum() > src[213, 320].sum()

def test_default_output_name_and_never_overwrite(tmp_path, dog_mask, brighter, capsys):
    src = tmp_path/'dog.jpg'; src.write_bytes(PHOTO.read_bytes())
    args = ['edit', str(src), '--mask', str(dog_mask), '--params', str(brighter)]
    assert main(args) == 0 and (tmp_path/'dog_coconet.jpg').exists()
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and '--overwrite' in err
    assert main(args + ['--overwrite']) == 0
    assert main(['edit', str(src), '--mask', str(dog_mask), '--params', str(brighter), '-o', str(src), '--overwrite']) == 2
    assert src.read_bytes() == PHOTO.read_bytes()                            # the input is never touched

@pytest.mark.parametrize('args, says', [
    (('missing.jpg', '-p', 'dog', '--params', 'P'), 'missing.jpg'),
    ((PHOTO, '--params', 'P'), '--prompt is required'),
    ((PHOTO, '-p', 'dog', '--model', 'no-such-model', '--params', 'P'), "unknown predictor 'no-such-model'"),
    ((PHOTO, '--mask', COCO/'images'/'000000000802.jpg', '--params', 'P'), 'does not match the photo'),
    ((PHOTO, '--mask', 'M', '--method', 'crop', '--params', 'P'), "unknown method 'crop'"),
    ((PHOTO, '--mask', 'M', '--method', 'crop', '--params', 'P'), "choose from full, bbox"),
    ((PHOTO, '--mask', 'M', '--params', 'BAD'), "unknown filter 'exposre'"),
])
def test_bad_input_one_line(tmp_path, dog_mask, brighter, capsys, args, says):
    bad = tmp_path/'bad.json'; bad.write_text('{"exposre": 0.5}')
    args = [{'P': brighter, 'M': dog_mask, 'BAD': bad}.get(a, a) for a in args]
    assert main(['edit', *map(str, args), '-o', str(tmp_path/'out.png')]) == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and says in err and 'Traceback' not in err, err
    assert not (tmp_path/'out.png').exists()

def test_console_script(exe, tmp_path, dog_mask, brighter):
    out = tmp_path/'out.jpg'
    r = subprocess.run([exe, 'edit', str(PHOTO), '--mask', str(dog_mask), '--params', str(brighter), '-o', str(out), '--params-out'],
                       capture_output=True, text=True, timeout=120, env=ENV)
    assert r.returncode == 0, r.stderr
    assert Image.open(out).size == (640, 426)
    assert r.stdout.splitlines() == [f'{out}  exposure +0.50'] and json.loads((tmp_path/'out.json').read_text())['method'] == 'full'

@pytest.mark.parametrize('photo_size, mask_size', [((1200, 1200), (512, 512)), ((1536, 1024), (512, 341))])
def test_a_512_mask_edits_a_larger_photo(tmp_path, dog_mask, brighter, photo_size, mask_size):
    "A CocoGold-size mask with the photo's aspect ratio is upsampled edge-aware; far pixels stay bit-identical."
    photo, mask, out = tmp_path/'photo.png', tmp_path/'mask512.png', tmp_path/'out.png'
    Image.open(PHOTO).convert('RGB').resize(photo_size, Image.Resampling.BICUBIC).save(photo)
    Image.open(dog_mask).resize(mask_size, Image.Resampling.BILINEAR).save(mask)
    assert main(['edit', str(photo), '--prompt', 'dog', '--mask', str(mask), '--params', str(brighter), '-o', str(out), '--save-mask', str(tmp_path/'a.png')]) == 0
    src, res, a = pixels(photo), pixels(out), np.asarray(Image.open(tmp_path/'a.png'))
    assert res.shape == src.shape and (a == 0).mean() > 0.4 and (res[a == 0] == src[a == 0]).all()
    from filternet_coco.render import render_pixels
    from filternet_coco.params import FilterParams
    full = render_pixels(src.astype(np.uint8), FilterParams(exposure=0.5)).astype(int)
    # where the saved opacity rounds to 255, alpha >= 254.5/255: the blend is within 0.002 x 255 < 1 level of the full render
    assert (a == 255).sum() > 10_000 and np.abs(res[a == 255] - full[a == 255]).max() <= 1

def test_a_mask_of_another_aspect_ratio_is_one_line(tmp_path, dog_mask, brighter, capsys):
    photo, mask = tmp_path/'photo.png', tmp_path/'mask.png'
    Image.open(PHOTO).convert('RGB').resize((1536, 1024)).save(photo)
    Image.open(dog_mask).resize((512, 512)).save(mask)
    assert main(['edit', str(photo), '--mask', str(mask), '--params', str(brighter), '-o', str(tmp_path/'o.png')]) == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and "aspect ratio" in err
