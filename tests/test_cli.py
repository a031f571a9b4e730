"""The `filternet-coco` entry point, end to end: one command contract for every subcommand."""
import io, sys
import pytest
from filternet_coco.cli import COMMANDS

def test_help_lists_every_command(cli):
    r = cli('--help')
    assert r.returncode == 0
    for name in COMMANDS: assert name in r.stdout

def test_version(cli):
    import filternet_coco
    r = cli('--version')
    assert (r.returncode, r.stdout, r.stderr) == (0, f'filternet-coco {filternet_coco.__version__}\n', '')

def one_line_exit_2(r, says=''):
    "The contract for a bad input: status 2, one line on stderr that starts with the program name, no traceback."
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert len(lines) == 1 and lines[0].startswith('filternet-coco') and 'Traceback' not in r.stderr, r.stderr
    assert says in lines[0], (says, lines[0])

# one bad input per subcommand (each refused before any heavy work), plus the parser's own errors
BAD = {
    'strips':  (('strips', 'no_such_photo.jpg'), 'no_such_photo.jpg: no such file'),
    'render':  (('render', 'photo.jpg'), '--params is required'),
    'pairs':   (('pairs', '/no/such/folder', '-o', '{tmp}/pairs'), 'not found'),
    'train':   (('train', '--config', 'base', '--dataset', '/no/such/pairs'), 'pairs dataset folder not found'),
    'enhance': (('enhance', 'photo.jpg', '--strength', '2'), 'argument --strength: must be 0..1.5, got 2'),
    'segment': (('segment', 'photo.jpg', '-o', '{tmp}/m.png'), '--prompt is required'),
    'cocogold-train': (('cocogold-train', '--config', 'huge'), "unknown config 'huge'"),
    'edit':    (('edit', 'no_such_photo.jpg', '-p', 'dog'), 'no_such_photo.jpg: no such file'),
    'demo':    (('demo', '--model', 'os:system'), "unknown --model 'os:system'"),
    'export':  (('export', '--format', 'tflite', '-o', '{tmp}/x'), "unknown --format 'tflite'"),
}

def test_every_command_has_a_bad_input_case(): assert set(BAD) == set(COMMANDS)

@pytest.mark.parametrize('name', list(BAD))
def test_bad_input_is_one_line_and_exit_2(cli, tmp_path, name):
    args, says = BAD[name]
    one_line_exit_2(cli(*(a.format(tmp=tmp_path) for a in args)), says)

@pytest.mark.parametrize('args, says', [
    (('frobnicate',), "unknown command 'frobnicate'"),
    (('render', 'photo.jpg', '--frobnicate'), 'unrecognized arguments: --frobnicate'),
    (('enhance', 'photo.jpg', '--strength', 'lots'), "invalid float value: 'lots'"),
    (('edit',), 'the following arguments are required: input'),
    (('--quiet',), "unknown option '--quiet'"),
])
def test_parser_errors_are_one_line_and_exit_2(cli, args, says): one_line_exit_2(cli(*args), says)

def test_help_of_switches_and_defaults(cli):
    h = ' '.join(cli('enhance', '--help').stdout.split())
    assert '--no-progress do not show a progress bar' in h and '-q, --quiet' in h
    assert 'default: None' not in h and h.count('(default: enhanced)') == 1
    h = ' '.join(cli('export', '--help').stdout.split())
    assert '--no-check do not check the export' in h and 'default: None' not in h

class _Terminal(io.StringIO):
    def isatty(self): return True

def test_progress_bar_goes_to_stderr_and_stdout_has_one_line_per_output(tmp_path, data_dir, monkeypatch):
    "With stderr a terminal, the bar is drawn there; stdout gets only one line per output, even then."
    from filternet_coco.io import run_batch
    photos = sorted((data_dir/'photos'/'kodak24').glob('*.png'))[:3]
    out, err = io.StringIO(), _Terminal()
    monkeypatch.setattr(sys, 'stdout', out); monkeypatch.setattr(sys, 'stderr', err)
    status = run_batch(photos, tmp_path, lambda src, dest: dest.write_bytes(b'x') and None)
    monkeypatch.undo()
    assert status == 0 and out.getvalue().splitlines() == [str(tmp_path/p.name) for p in photos]
    assert '/3 [' in err.getvalue() and 'photo/s' in err.getvalue() and str(tmp_path) not in err.getvalue()

def test_strips_writes_one_grid_per_photo_and_refuses_to_replace_it(cli, data_dir, tmp_path):
    photo = data_dir/'photos'/'kodak24'/'kodim05.png'
    r = cli('strips', photo, '-o', tmp_path, '--size', 64, '--filters', 'ec')
    assert r.returncode == 0, r.stderr
    from PIL import Image
    out = tmp_path/'kodim05_strips.jpg'
    assert out.exists() and Image.open(out).size[0] > 100 and r.stdout.splitlines() == [str(out)]
    before = out.read_bytes()
    one_line_exit_2(cli('strips', photo, '-o', tmp_path, '--size', 64, '--filters', 'ec'), '--overwrite')
    assert out.read_bytes() == before
    assert cli('strips', photo, '-o', tmp_path, '--size', 64, '--filters', 'e', '--overwrite').returncode == 0
