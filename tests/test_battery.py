"""The bad-input battery (issue 26): every subcommand against bad files, unusual-but-valid photos, output faults,
broken model folders and out-of-range options, under one contract.

A bad case: exit status 2, no traceback, at most 3 lines on stderr, nothing written, the input unchanged.
A valid-but-unusual photo: exit status 0 and an output. Plus a batch killed mid-run (only complete outputs; a rerun
finishes it) and two runs at once. `filternet_coco.cli.main` runs in-process (fast); a subprocess only to kill or race."""
import hashlib, os, shutil, signal, struct, subprocess, sys, time, zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from filternet_coco.cli import COMMANDS, main
from conftest import CLI, ENV, ROOT

WEIGHTS = ROOT/'filternet_coco'/'weights'

# ---------------------------------------------------------------- inputs, built in a temporary folder

def _png(path: Path, w: int, h: int):
    "A PNG whose header claims w x h (no pixel data): a decompression bomb when w * h is huge."
    ihdr = struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)
    chunk = lambda k, d: struct.pack('>I', len(d)) + k + d + struct.pack('>I', zlib.crc32(k + d))
    path.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(b'\0' * 64)) + chunk(b'IEND', b''))

def _photo(w: int = 40, h: int = 30, seed: int = 0) -> np.ndarray:
    "Smooth seeded uint8 RGB pixels (a gradient plus a little noise)."
    g = np.random.default_rng(seed)
    y, x = np.mgrid[:h, :w]
    base = np.stack([x * 200 // max(w - 1, 1), y * 200 // max(h - 1, 1), np.full_like(x, 90)], -1)
    return np.clip(base + g.integers(0, 40, (h, w, 3)), 0, 255).astype(np.uint8)

def _bad_files(d: Path) -> dict:
    "name -> path of each bad input."
    d.mkdir()
    good = d/'good.jpg'; Image.fromarray(_photo()).save(good, quality=90)
    (d/'empty.jpg').write_bytes(b'')
    (d/'text.jpg').write_text('this is not a photo\n')
    (d/'truncated.jpg').write_bytes(good.read_bytes()[:len(good.read_bytes()) // 3])
    (d/'folder.jpg').mkdir()                                              # a folder named like a photo
    _png(d/'bomb.png', 30000, 30000)                                      # 900 MP > MAX_PIXELS (268 MP)
    (d/'fake.heic').write_bytes(b'\0\0\0\x18ftypheic\0\0\0\0mif1heic' + b'\0' * 64)   # a HEIC header, no image
    good.unlink()
    return {k: d/n for k, n in dict(missing='missing.jpg', empty='empty.jpg', text='text.jpg', truncated='truncated.jpg',
                                    directory='folder.jpg', bomb='bomb.png', fake_heic='fake.heic').items()}

def _valid_files(d: Path) -> dict:
    "name -> path of each unusual-but-valid photo."
    import tifffile
    d.mkdir()
    rgb = _photo()
    Image.fromarray(rgb).save(d/'été photo #1 (copy).jpg')                # odd name: accents, spaces, '#', brackets
    Image.fromarray(rgb[..., 0]).save(d/'grey.png')
    Image.fromarray(rgb).convert('CMYK').save(d/'cmyk.jpg')
    Image.fromarray(rgb[:1, :1]).save(d/'one.png')                        # 1 x 1
    Image.fromarray(_photo(3000, 3)).save(d/'thin.png')                   # 3000 x 3
    import cv2; cv2.imwrite(str(d/'deep.png'), (rgb[..., ::-1].astype(np.uint16) * 257))   # 16-bit
    Image.fromarray(rgb).convert('P').save(d/'anim.gif')
    tifffile.imwrite(d/'float.tif', rgb.astype(np.float32) / 255, photometric='rgb')        # float32 samples in [0, 1]
    return {k: d/n for k, n in dict(odd_name='été photo #1 (copy).jpg', grey='grey.png', cmyk='cmyk.jpg', one_by_one='one.png',
                                    thin='thin.png', deep='deep.png', gif='anim.gif', float_tiff='float.tif').items()}

@pytest.fixture(scope='module')
def files(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp('battery')
    good = root/'good.jpg'; Image.fromarray(_photo()).save(good, quality=90)
    return dict(root=root, good=good, bad=_bad_files(root/'bad'), valid=_valid_files(root/'valid'))

# ---------------------------------------------------------------- the photo commands and how to call them

PARAMS = '{"exposure": 0.3}'
PHOTO_CMDS = {   # command: (argv for input `src` writing to `out`, whether `out` is a folder)
    'strips':  (lambda src, out: ['strips', src, '-o', out, '--size', '32', '--filters', 'e'], True),
    'render':  (lambda src, out: ['render', src, '--params', PARAMS, '-o', out], True),
    'enhance': (lambda src, out: ['enhance', src, '-o', out], True),
    'segment': (lambda src, out: ['segment', src, '-p', 'cat', '-o', out], False),
    'edit':    (lambda src, out: ['edit', src, '-p', 'cat', '--model', 'centre-box', '-o', out], False),
}

def _out(cmd: str, where: Path, src: Path) -> Path:
    "Where `cmd` is told to write for input `src`: a folder, or a file with a fitting extension."
    return where/'out' if PHOTO_CMDS[cmd][1] else where/('mask.png' if cmd == 'segment' else f'out{src.suffix if src.suffix in (".jpg", ".png") else ".png"}')

def _argv(cmd: str, src, out) -> list:
    return [str(a) for a in PHOTO_CMDS[cmd][0](src, out)]

# ---------------------------------------------------------------- the contract

def _snapshot(folder: Path) -> dict:
    "Every path under `folder` -> a digest of its content ('dir' for folders)."
    return {p: ('dir' if p.is_dir() else hashlib.sha1(p.read_bytes()).hexdigest()) for p in sorted(folder.rglob('*'))}

def _run(argv: list, capfd) -> tuple[int, str]:
    "Exit status and stderr of `filternet-coco ARGV` run in-process."
    capfd.readouterr()
    rc = main([str(a) for a in argv])
    return rc, capfd.readouterr().err

def refuses(argv: list, capfd, *watch: Path) -> str:
    "Assert the bad-input contract for `argv`; `watch`: folders that must not change. Returns the error line(s)."
    before = [_snapshot(w) for w in watch]
    rc, err = _run(argv, capfd)
    assert rc == 2, f'exit {rc}, expected 2; stderr: {err!r}'
    assert 'Traceback' not in err and err.strip(), err
    assert err.count('\n') <= 3, f'{err.count(chr(10))} lines on stderr: {err!r}'
    for w, b in zip(watch, before): assert _snapshot(w) == b, f'{w} changed'
    return err

# ---------------------------------------------------------------- bad files x photo commands

BAD = ['missing', 'empty', 'text', 'truncated', 'directory', 'bomb', 'fake_heic']

@pytest.mark.parametrize('kind', BAD)
@pytest.mark.parametrize('cmd', list(PHOTO_CMDS))
def test_bad_file(cmd, kind, files, tmp_path, capfd):
    src = files['bad'][kind]
    err = refuses(_argv(cmd, src, _out(cmd, tmp_path, src)), capfd, files['bad'].get('missing').parent, tmp_path)
    assert src.name in err                                                # the line names the file

# ---------------------------------------------------------------- unusual-but-valid photos x photo commands

VALID = ['odd_name', 'grey', 'cmyk', 'one_by_one', 'thin', 'deep', 'gif', 'float_tiff']

def _written(out: Path) -> list:
    return sorted(out.iterdir()) if out.is_dir() else [out] if out.exists() else []

@pytest.mark.parametrize('kind', VALID)
@pytest.mark.parametrize('cmd', list(PHOTO_CMDS))
def test_valid_photo(cmd, kind, files, tmp_path, capfd):
    src = files['valid'][kind]
    before = src.read_bytes()
    out = _out(cmd, tmp_path, src)
    rc, err = _run(_argv(cmd, src, out), capfd)
    assert rc == 0, err
    assert err == '', err                                                 # not a note, not a progress bar (stderr is no terminal)
    written = _written(out)
    assert len(written) == 1 and written[0].stat().st_size > 0, written
    with Image.open(written[0]) as im: assert im.size[0] >= 1 and im.size[1] >= 1
    assert src.read_bytes() == before

def test_edit_16bit_to_jpeg_is_8bit_with_a_note(files, tmp_path, capfd):
    "A 16-bit PNG edited into a .jpg: an 8-bit JPEG and one line that says so (not a refusal)."
    out = tmp_path/'out.jpg'
    rc, err = _run(['edit', files['valid']['deep'], '-p', 'cat', '--model', 'centre-box', '--params', PARAMS, '-o', out], capfd)
    assert rc == 0 and err.count('\n') == 1 and '8-bit' in err, err
    with Image.open(out) as im: assert (im.format, im.mode, im.size) == ('JPEG', 'RGB', (40, 30))

# ---------------------------------------------------------------- output faults

def _file_cmds(files: dict) -> dict:
    "Commands that write one output file: command -> argv for output `out`."
    g = files['good']
    return {'segment': lambda out: _argv('segment', g, out), 'edit': lambda out: _argv('edit', g, out),
            'export': lambda out: ['export', '--format', 'onnx', '-o', out, '--no-check']}

@pytest.mark.parametrize('cmd', ['strips', 'render', 'enhance', 'segment', 'edit', 'export'])
def test_output_under_a_file(cmd, files, tmp_path, capfd):
    blocker = tmp_path/'blocker.txt'; blocker.write_text('a regular file\n')
    out = blocker/'sub'/('out' if cmd in PHOTO_CMDS and PHOTO_CMDS[cmd][1] else 'out.onnx' if cmd == 'export' else 'out.png')
    argv = _argv(cmd, files['good'], out) if cmd in PHOTO_CMDS else _file_cmds(files)[cmd](out)
    err = refuses(argv, capfd, tmp_path, files['good'].parent)
    assert 'blocker.txt' in err

@pytest.mark.parametrize('cmd', ['strips', 'render', 'enhance', 'segment', 'edit', 'export'])
def test_existing_output(cmd, files, tmp_path, capfd):
    g = files['good']
    if cmd in ('strips', 'render', 'enhance'):
        out = tmp_path/'out'; out.mkdir()
        (out/(f'{g.stem}_strips.jpg' if cmd == 'strips' else g.name)).write_bytes(b'keep me')
        argv = _argv(cmd, g, out)
    else:
        out = tmp_path/('out.onnx' if cmd == 'export' else 'out.png'); out.write_bytes(b'keep me')
        argv = _file_cmds(files)[cmd](out)
    assert '--overwrite' in refuses(argv, capfd, tmp_path, g.parent)

@pytest.mark.parametrize('cmd', ['render', 'enhance', 'segment', 'edit'])   # strips names its outputs NAME_strips.jpg: never an input
def test_output_is_the_input(cmd, files, tmp_path, capfd):
    src = tmp_path/'in.png'; Image.fromarray(_photo()).save(src)
    out = tmp_path if PHOTO_CMDS[cmd][1] else src
    refuses(_argv(cmd, src, out) + ['--overwrite'], capfd, tmp_path)

# ---------------------------------------------------------------- model folders

def _filternet_folder(d: Path, kind: str) -> Path:
    "A FilterNet folder that is corrupt, truncated, empty, incomplete or missing."
    if kind == 'missing': return d/'no-such-model'
    m = d/'model'; m.mkdir()
    if kind == 'empty': return m
    for f in ('config.json', 'model.safetensors'): shutil.copy(WEIGHTS/'filternet_default'/f, m/f)
    if kind == 'corrupt': (m/'model.safetensors').write_bytes(b'\x13\x37' * 500)
    if kind == 'truncated': (m/'model.safetensors').write_bytes((WEIGHTS/'filternet_default'/'model.safetensors').read_bytes()[:5000])
    if kind == 'incomplete': (m/'config.json').unlink()
    if kind == 'bad_config': (m/'config.json').write_text('{"backbone": ')
    return m

def _pipeline_folder(d: Path, kind: str) -> Path:
    "A CocoGold pipeline folder that is corrupt, truncated, empty, incomplete or missing."
    if kind == 'missing': return d/'no-such-pipeline'
    if kind == 'empty': (d/'pipe').mkdir(); return d/'pipe'
    p = shutil.copytree(WEIGHTS/'cocogold_small', d/'pipe')
    unet = p/'unet'/'diffusion_pytorch_model.safetensors'
    if kind == 'corrupt': unet.write_bytes(b'\x13\x37' * 500)
    if kind == 'truncated': unet.write_bytes(unet.read_bytes()[:5000])
    if kind == 'incomplete': shutil.rmtree(p/'vae')
    if kind == 'bad_config': (p/'unet'/'config.json').write_text('{"in_channels": ')
    return p

MODEL_KINDS = ['corrupt', 'truncated', 'empty', 'incomplete', 'bad_config', 'missing']
MODEL_CMDS = {   # command: (argv for model folder m and output folder/file o, folder maker)
    'enhance --model':     (lambda g, m, o: ['enhance', g, '--model', m, '-o', o/'out'], _filternet_folder),
    'edit --filternet':    (lambda g, m, o: ['edit', g, '-p', 'cat', '--model', 'centre-box', '--filternet', m, '-o', o/'out.jpg'], _filternet_folder),
    'export --model':      (lambda g, m, o: ['export', '--model', m, '-o', o/'out.onnx', '--no-check'], _filternet_folder),
    'segment --checkpoint': (lambda g, m, o: ['segment', g, '-p', 'cat', '--checkpoint', m, '-o', o/'mask.png'], _pipeline_folder),
    'edit --checkpoint':   (lambda g, m, o: ['edit', g, '-p', 'cat', '--checkpoint', m, '--params', PARAMS, '-o', o/'out.jpg'], _pipeline_folder),
}

@pytest.mark.parametrize('kind', MODEL_KINDS)
@pytest.mark.parametrize('cmd', list(MODEL_CMDS))
def test_broken_model_folder(cmd, kind, files, tmp_path, capfd):
    argv, make = MODEL_CMDS[cmd]
    (tmp_path/'models').mkdir(); (tmp_path/'outs').mkdir()
    m = make(tmp_path/'models', kind)
    err = refuses(argv(files['good'], m, tmp_path/'outs'), capfd, tmp_path)
    assert m.name in err                                                  # the line names the folder or its file

# ---------------------------------------------------------------- out-of-range and malformed options

def _bad_options(g: Path, o: Path) -> list:
    "(id, argv) of option values that must be refused before any work."
    seg, edit = ['segment', g, '-p', 'cat', '-o', o/'m.png'], ['edit', g, '-p', 'cat', '--model', 'centre-box', '-o', o/'e.jpg']
    cases = {
        'strips --size 0': ['strips', g, '-o', o/'s', '--size', '0'],
        'strips --size -3': ['strips', g, '-o', o/'s', '--size', '-3'],
        'strips --filters z': ['strips', g, '-o', o/'s', '--filters', 'z'],
        'render --quality -5': ['render', g, '--params', PARAMS, '-o', o/'r', '--quality', '-5'],
        'render --quality 101': ['render', g, '--params', PARAMS, '-o', o/'r', '--quality', '101'],
        'render --cube 1': ['render', g, '--params', PARAMS, '-o', o/'r', '--cube', '1'],
        'render --cube -2': ['render', g, '--params', PARAMS, '-o', o/'r', '--cube', '-2'],
        'render --params bad': ['render', g, '--params', '{"exposure": 7}', '-o', o/'r'],
        'enhance --quality -5': ['enhance', g, '-o', o/'e', '--quality', '-5'],
        'enhance --strength -1': ['enhance', g, '-o', o/'e', '--strength', '-1'],
        'enhance --strength nan': ['enhance', g, '-o', o/'e', '--strength', 'nan'],
        'enhance --cube 1': ['enhance', g, '-o', o/'e', '--cube', '1'],
        'segment --steps 0': seg + ['--steps', '0'],
        'segment --ensemble 0': seg + ['--ensemble', '0'],
        'segment --steps x': seg + ['--steps', 'x'],
        'edit --feather -1': edit + ['--feather', '-1'],
        'edit --feather inf': edit + ['--feather', 'inf'],
        'edit --pad -1': edit + ['--pad', '-1'],
        'edit --quality 0': edit + ['--quality', '0'],
        'edit --steps 0': edit + ['--steps', '0'],
        'edit --ensemble 0': edit + ['--ensemble', '0'],
        'edit --method x': edit + ['--method', 'x'],
        'export --img-size -1': ['export', '-o', o/'x.onnx', '--img-size', '-1', '--no-check'],
        'export --img-size 0': ['export', '-o', o/'x.onnx', '--img-size', '0', '--no-check'],
        'export --format x': ['export', '-o', o/'x.onnx', '--format', 'x'],
        'pairs --runs 0': ['pairs', g.parent, '-o', o/'p', '--runs', '0'],
        'pairs --size 0': ['pairs', g.parent, '-o', o/'p', '--size', '0'],
        'pairs --seed -1': ['pairs', g.parent, '-o', o/'p', '--seed', '-1'],
        'pairs --regime x': ['pairs', g.parent, '-o', o/'p', '--regime', 'x'],
        'train --set bad': ['train', '--set', 'lr=abc', '--out', o/'runs'],
        'train --config x': ['train', '--config', 'no-such-config', '--out', o/'runs'],
        'cocogold-train --steps 0': ['cocogold-train', '--root', g.parent, '--config', 'debug', '--steps', '0', '--output-dir', o/'runs'],
        'cocogold-train --config x': ['cocogold-train', '--root', g.parent, '--config', 'x', '--output-dir', o/'runs'],
        'demo --port -1': ['demo', '--port', '-1'],
        'demo --port 70000': ['demo', '--port', '70000'],
        'demo --model x': ['demo', '--model', 'x'],
        'unknown option': ['render', g, '--no-such-option'],
    }
    return list(cases.items())

BAD_OPTION_IDS = [k for k, _ in _bad_options(Path('g'), Path('o'))]

@pytest.mark.parametrize('case', BAD_OPTION_IDS)
def test_bad_option(case, files, tmp_path, capfd):
    argv = dict(_bad_options(files['good'], tmp_path))[case]
    refuses(argv, capfd, tmp_path, files['good'].parent)

def test_every_numeric_option_has_a_range():
    "A new int/float option of any subcommand cannot slip in unchecked: each has a range in `cli.OPTION_RANGES`."
    import typing
    from filternet_coco.cli import OPTION_RANGES, load_command, _base
    for name in COMMANDS:
        f = load_command(name)
        for p, t in typing.get_type_hints(f).items():
            if p != 'return' and _base(t) in (int, float): assert p in OPTION_RANGES, f'{name} --{p} has no range in OPTION_RANGES'

# ---------------------------------------------------------------- the cheap cases of the commands that train or serve

def _cheap(g: Path, o: Path) -> list:
    blocker = o/'blocker.txt'
    cases = {
        'pairs missing folder': ['pairs', o/'no-such-folder', '-o', o/'p'],
        'pairs output under a file': ['pairs', g.parent, '-o', blocker/'p'],
        'train missing dataset': ['train', '--config', 'base', '--dataset', o/'no-such-pairs', '--out', o/'runs'],
        'train missing resume': ['train', '--resume', o/'no-such-run', '--out', o/'runs'],
        'train missing config file': ['train', '--config', o/'no-such.json', '--out', o/'runs'],
        'train missing photos': ['train', '--photos', o/'no-such-folder', '--out', o/'runs'],
        'cocogold-train missing root': ['cocogold-train', '--root', o/'no-such-coco', '--output-dir', o/'runs'],
        'cocogold-train empty root': ['cocogold-train', '--root', o/'emptydir', '--config', 'debug', '--output-dir', o/'runs'],
        'cocogold-train missing resume': ['cocogold-train', '--root', g.parent, '--config', 'debug', '--resume', o/'no-such-ckpt', '--output-dir', o/'runs'],
        'demo missing checkpoint': ['demo', '--checkpoint', o/'no-such-pipeline'],
    }
    return list(cases.items())

CHEAP_IDS = [k for k, _ in _cheap(Path('g'), Path('o'))]

@pytest.mark.parametrize('case', CHEAP_IDS)
def test_cheap_case(case, files, tmp_path, capfd):
    (tmp_path/'blocker.txt').write_text('a regular file\n'); (tmp_path/'emptydir').mkdir()
    refuses(dict(_cheap(files['good'], tmp_path))[case], capfd, tmp_path, files['good'].parent)

# ---------------------------------------------------------------- a killed batch, and two runs at once

def _folder_of_photos(d: Path, n: int, size=(1200, 900)) -> Path:
    d.mkdir()
    for i in range(n): Image.fromarray(_photo(*size, seed=i)).save(d/f'p{i:02d}.png')
    return d

def _complete(out: Path) -> list:
    "Names of the outputs in `out` that decode completely (a partial file would fail)."
    names = []
    for p in sorted(out.glob('*')):
        with Image.open(p) as im: im.load()
        names.append(p.name)
    return names

def test_killed_batch_leaves_only_complete_outputs_and_a_rerun_finishes(tmp_path):
    src, out = _folder_of_photos(tmp_path/'in', 12), tmp_path/'out'
    argv = [CLI, 'render', str(src), '--params', PARAMS, '-o', str(out)]
    p = subprocess.Popen(argv, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and not (out.is_dir() and len(list(out.iterdir())) >= 2): time.sleep(0.05)
    os.killpg(p.pid, signal.SIGKILL); p.wait()
    done = _complete(out)                                                 # no temporary or partial file is left behind
    assert 2 <= len(done) < 12, done
    r = subprocess.run(argv, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and r.stderr.count('\n') == len(done)       # the finished ones are refused, one line each
    assert sorted(_complete(out)) == sorted(f'p{i:02d}.png' for i in range(12))

def test_two_runs_at_once_are_safe(tmp_path):
    src = _folder_of_photos(tmp_path/'in', 4, (300, 200))
    before = _snapshot(src)
    argv = lambda o: [CLI, 'render', str(src), '--params', PARAMS, '-o', str(tmp_path/o)]
    ps = [subprocess.Popen(argv(o), cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for o in ('a', 'shared', 'shared')]
    rs = [(p.wait(timeout=300), p.stderr.read()) for p in ps]
    assert rs[0][0] == 0 and all('Traceback' not in e for _, e in rs), rs
    assert _complete(tmp_path/'shared') == _complete(tmp_path/'a')          # every photo once, complete, in both folders
    assert _snapshot(src) == before
    a = {p.name: p.read_bytes() for p in (tmp_path/'a').iterdir()}
    assert all((tmp_path/'shared'/n).read_bytes() == b for n, b in a.items())   # the racers wrote the same bytes

def test_loading_bars_on_a_terminal_only_without_q(files, tmp_path, capfd, monkeypatch):
    "diffusers' and transformers' loading bars: drawn on a terminal, not with -q (off a terminal: `test_valid_photo`)."
    argv = ['segment', files['good'], '-p', 'cat', '-o', tmp_path/'m.png', '--overwrite']
    monkeypatch.setattr(sys.stderr, 'isatty', lambda: True, raising=False)
    assert _run(argv + ['-q'], capfd) == (0, '')
    rc, err = _run(argv, capfd)
    assert rc == 0 and 'Loading pipeline components' in err, err
