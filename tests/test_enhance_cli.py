"""`filternet-coco enhance`, end to end, with the embedded default model."""
import json
import numpy as np
from PIL import Image

XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="5"/></rdf:RDF></x:xmpmeta>'


def _photo(data_dir, tmp_path, name='kodim05.png', size=320, exif=True):
    "A small JPEG copy of a Kodak photo, darkened by about 1.1 EV (inside the training's moderate regime), with an EXIF tag and an sRGB ICC profile."
    from PIL import ImageCms
    im = Image.open(data_dir/'photos'/'kodak24'/name).convert('RGB')
    im.thumbnail((size, size))
    im = Image.fromarray((np.asarray(im) * 0.7).astype(np.uint8))   # 0.7 in sRGB ~ 0.46 in linear light: -1.1 EV
    e = Image.Exif(); e[0x010F] = 'TestCam'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB')).tobytes()
    path = tmp_path/f'{name.split(".")[0]}.jpg'
    im.save(path, quality=92, exif=e.tobytes() if exif else b'', icc_profile=icc, xmp=XMP, comment=b'a comment')
    return path


def test_enhance_writes_photo_params_and_keeps_metadata(cli, data_dir, tmp_path):
    src = _photo(data_dir, tmp_path, name='kodim01.png')   # (kodim05 darkened so comes back only ~3 levels brighter: the model card's limits)
    r = cli('enhance', src, '-o', tmp_path/'out', '--params-out')
    assert r.returncode == 0, r.stderr
    out = tmp_path/'out'/src.name
    assert 'no change' not in r.stdout and r.stdout.splitlines()[0].startswith(f'{out}  ') and len(r.stdout.splitlines()) == 1
    assert r.stderr == ''                                                         # no progress bar off a terminal, no warnings
    with Image.open(out) as im:
        assert im.size == Image.open(src).size
        assert im.getexif().get(0x010F) == 'TestCam' and im.info.get('icc_profile')
        assert im.info.get('xmp') == XMP and im.info.get('comment') == b'a comment'     # the input's XMP packet and comment
        after = np.asarray(im.convert('RGB')).mean()
    assert after > np.asarray(Image.open(src).convert('RGB')).mean() + 5   # a dark photo gets brighter
    params = json.loads((tmp_path/'out'/f'{src.stem}.json').read_text())
    assert params['exposure'] + params['brightness'] + params['highlights'] > 0.1   # brightened (the tone filters overlap)


def test_enhance_strength_zero_is_identity_and_bad_inputs_are_one_line(cli, data_dir, tmp_path):
    src = _photo(data_dir, tmp_path, exif=False)
    r = cli('enhance', src, tmp_path/'missing.jpg', '-o', tmp_path/'out', '--strength', 0, '--cube', 17, '--xmp')
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and 'missing.jpg' in lines[0] and 'Traceback' not in r.stderr
    for ext in ('.jpg', '.cube', '.preset.xmp'): assert (tmp_path/'out'/f'{src.stem}{ext}').exists()
    assert f'FilterNet {src.stem}</rdf:li>' in (tmp_path/'out'/f'{src.stem}.preset.xmp').read_text()
    r = cli('enhance', src, '-o', tmp_path/'out')                  # exists: refused without --overwrite
    assert r.returncode == 2 and 'Traceback' not in r.stderr


def test_enhance_refuses_bad_options_in_one_line(cli, data_dir, tmp_path):
    src = _photo(data_dir, tmp_path)
    for args in (('--strength', 3), ('--model', tmp_path/'no_model')):
        r = cli('enhance', src, '-o', tmp_path/'out', *args)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and 'Traceback' not in r.stderr, r.stderr


# What `enhance` must not load: the training stack, timm (whose torchvision import pulls in torch._dynamo), colour-science
# (the filter tables are shipped, chapter 03), plotting and the 16-bit TIFF codec. Together they once tripled the start-up.
NOT_AT_START = ('fastai', 'timm', 'torchvision', 'diffusers', 'transformers', 'torch._dynamo', 'colour', 'matplotlib', 'scipy', 'tifffile')


def test_enhance_loads_no_heavy_package(data_dir, tmp_path):
    import subprocess, sys
    from conftest import ENV, ROOT
    src = _photo(data_dir, tmp_path)
    code = ('import sys; from filternet_coco.cli import main; rc = main(sys.argv[1:]); '
            f'print("loaded:", *[m for m in {NOT_AT_START!r} if m in sys.modules]); sys.exit(rc)')
    r = subprocess.run([sys.executable, '-c', code, 'enhance', str(src), '-o', str(tmp_path/'out')], capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == 'loaded:', r.stdout
