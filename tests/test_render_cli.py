"""End-to-end tests of `filternet-coco render`, through the installed console script."""
import json, struct, subprocess, zlib

import numpy as np
import pytest
import tifffile
from PIL import Image

from conftest import CLI as EXE, ENV, ROOT
PHOTO = ROOT.parent/'shared'/'data'/'photos'/'kodak24'/'kodim05.png'
LOOK = {'temperature': 0.3, 'exposure': 0.25, 'contrast': 0.3, 'shadows': 0.4, 'highlights': -0.5}

pytestmark = pytest.mark.usefixtures('exe', 'data_dir')    # missing script or data: the tests fail

def render(*args):
    "Run `filternet-coco render ARGS`; the completed process."
    return subprocess.run([str(EXE), 'render', *map(str, args)], capture_output=True, text=True, timeout=300, env=ENV)

def _chunk(kind, data): return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

@pytest.fixture
def look(tmp_path):
    p = tmp_path/'look.json'; p.write_text(json.dumps(LOOK)); return p

@pytest.fixture
def inputs(tmp_path):
    "A folder of good and bad inputs of every kind the contract names."
    d = tmp_path/'in'; d.mkdir()
    rng = np.random.default_rng(0)
    px = rng.integers(0, 256, (24, 36, 3), dtype=np.uint8)
    Image.open(PHOTO).save(d/'real.png')
    tifffile.imwrite(d/'deep.tif', rng.integers(0, 65536, (20, 30, 3), dtype=np.uint16), photometric='rgb')
    Image.fromarray(np.dstack([px, px[..., 0]])).save(d/'rgba.png')
    Image.fromarray(px).convert('CMYK').save(d/'cmyk.jpg', quality=95)
    Image.fromarray(px).convert('P').save(d/'palette.png')
    ex = Image.Exif(); ex[0x0112] = 6
    Image.fromarray(px).save(d/'rotated.jpg', exif=ex.tobytes())                 # shown upright it is 36 x 24
    (d/'empty.jpg').write_bytes(b'')
    (d/'notes.png').write_text('not a photo')
    good = (d/'rotated.jpg').read_bytes(); (d/'cut.jpg').write_bytes(good[:len(good) // 2])
    ihdr = struct.pack('>IIBBBBB', 30000, 30000, 8, 2, 0, 0, 0)
    (d/'bomb.png').write_bytes(b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', ihdr) + _chunk(b'IDAT', zlib.compress(b'')) + _chunk(b'IEND', b''))
    return d

GOOD = ['real.png', 'deep.tif', 'rgba.png', 'cmyk.jpg', 'palette.png', 'rotated.jpg']
BAD = {'empty.jpg': 'empty file', 'notes.png': 'not an image', 'cut.jpg': 'truncated', 'bomb.png': 'over the limit'}

def test_batch_contract(tmp_path, inputs, look):
    out = tmp_path/'out'
    r = render(inputs, tmp_path/'missing.jpg', '--params', look, '-o', out, '--cube', 33, '--xmp')
    assert r.returncode == 2 and 'Traceback' not in r.stderr
    errs = r.stderr.strip().splitlines()
    assert len(errs) == len(BAD) + 1, r.stderr
    for name, msg in {**BAD, 'missing.jpg': 'no such file'}.items():
        assert any(name in e and msg in e for e in errs), (name, r.stderr)
    for name in GOOD: assert (out/name).exists(), name
    assert not list(out.glob('*.xmp'))[1:] and 'crs:PresetType="Normal"' in (out/'look.preset.xmp').read_text()  # one preset, no sidecars
    assert r.stdout.splitlines()[:2] == [str(out/'look.cube'), str(out/'look.preset.xmp')] and len(r.stdout.splitlines()) == 2 + len(GOOD)
    assert (out/'look.cube').read_text().count('\n') == 33 ** 3 + 5
    assert tifffile.imread(out/'deep.tif').dtype == np.uint16                  # 16-bit in, 16-bit out
    rgba = np.asarray(Image.open(out/'rgba.png'))
    assert rgba.shape[2] == 4 and (rgba[..., 3] == np.asarray(Image.open(inputs/'rgba.png'))[..., 3]).all()  # alpha untouched
    rot = Image.open(out/'rotated.jpg')
    assert rot.size == (24, 36) and rot.getexif().get(0x0112, 1) == 1          # upright, orientation reset

def test_never_overwrites(tmp_path, look):
    src = tmp_path/'p.png'; Image.open(PHOTO).save(src); before = src.read_bytes()
    r = render(src, '--params', look, '-o', tmp_path, '--overwrite')
    assert r.returncode == 2 and 'would overwrite an input' in r.stderr and src.read_bytes() == before
    assert render(src, '--params', look, '-o', tmp_path/'o').returncode == 0
    done = (tmp_path/'o'/'p.png').read_bytes()
    r = render(src, '--params', look, '-o', tmp_path/'o')
    assert r.returncode == 2 and '--overwrite' in r.stderr and r.stderr.count('\n') == 1
    assert (tmp_path/'o'/'p.png').read_bytes() == done
    assert not [p for p in (tmp_path/'o').iterdir() if p.name.startswith('.')] # no temporary files left

# (the notebook 05_render tests the other bad params in-process: out of range, malformed JSON, a folder)
@pytest.mark.parametrize('params,msg', [('{"exposre": 0.5}', "unknown filter 'exposre'"), ('{"exposure": NaN}', "'exposure'] = nan")])
def test_bad_params(tmp_path, params, msg):
    p = tmp_path/'p.json'; p.write_text(params)
    r = render(PHOTO, '--params', p, '-o', tmp_path/'out')
    assert r.returncode == 2 and msg in r.stderr and r.stderr.count('\n') == 1 and 'Traceback' not in r.stderr
    assert not (tmp_path/'out').exists()

def test_missing_params(tmp_path):
    r = render(PHOTO, '-o', tmp_path/'out')
    assert r.returncode == 2 and '--params is required' in r.stderr
    r = render(PHOTO, '--params', tmp_path, '-o', tmp_path/'out')
    assert r.returncode == 2 and 'is a folder' in r.stderr

def test_stdin_to_stdout_and_to_a_folder(tmp_path, look):
    "`render -` reads the photo from stdin; `-o -` writes the rendered photo to stdout in the input's format."
    import subprocess, io
    data = PHOTO.read_bytes()
    r = subprocess.run([str(EXE), 'render', '-', '-o', '-', '--params', str(look)], input=data, capture_output=True, timeout=120, env=ENV)
    assert r.returncode == 0, r.stderr
    from filternet_coco.io import read_photo
    from filternet_coco.sidecars import render_command
    ref = tmp_path/'ref'; assert render_command([str(PHOTO)], str(look), str(ref), progress=False) == 0
    assert (np.asarray(Image.open(io.BytesIO(r.stdout))) == read_photo(ref/PHOTO.name).pixels).all()
    r = subprocess.run([str(EXE), 'render', '-', '-o', str(tmp_path/'o'), '--params', str(look)], input=data, capture_output=True, timeout=120, env=ENV)
    assert r.returncode == 0 and r.stdout.decode().strip() == str(tmp_path/'o'/'stdin.png')
    r = subprocess.run([str(EXE), 'render', '-', '--params', str(look), '-o', '-'], input=b'not a photo', capture_output=True, timeout=120, env=ENV)
    assert r.returncode == 2 and r.stderr.decode().count('\n') == 1 and b'stdin holds no photo' in r.stderr
    r = render(PHOTO, '--params', look, '-o', '-')
    assert r.returncode == 2 and 'needs the photo on stdin' in r.stderr

def test_outputs_follow_the_umask(tmp_path, look):
    import subprocess
    for umask, mode in ((0o022, 0o644), (0o027, 0o640)):
        out = tmp_path/f'u{umask:o}'
        r = subprocess.run(['/bin/sh', '-c', f'umask {umask:03o} && exec "{EXE}" render "{PHOTO}" --params "{look}" -o "{out}" --cube 5 --xmp'],
                           capture_output=True, text=True, timeout=120, env=ENV)
        assert r.returncode == 0, r.stderr
        for f in out.iterdir(): assert f.stat().st_mode & 0o777 == mode, (f, oct(f.stat().st_mode))

def test_quiet_and_progress(tmp_path, look):
    r = render(PHOTO, '--params', look, '-o', tmp_path/'q', '-q')
    assert r.returncode == 0 and r.stdout == '' and r.stderr == '' and (tmp_path/'q'/PHOTO.name).exists()
    r = render(PHOTO, PHOTO.with_name('kodim01.png'), '--params', look, '-o', tmp_path/'p')   # not a terminal: no bar anywhere
    assert r.returncode == 0 and r.stderr == '' and r.stdout.splitlines() == [str(tmp_path/'p'/PHOTO.name), str(tmp_path/'p'/'kodim01.png')]
