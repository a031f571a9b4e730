"""The `filternet-coco` entry point, end to end."""

def test_help_lists_every_command(cli):
    r = cli('--help')
    assert r.returncode == 0
    for name in ('render', 'pairs', 'enhance', 'segment', 'edit', 'export'): assert name in r.stdout

def test_unknown_command_is_one_line(cli):
    r = cli('frobnicate')
    assert r.returncode != 0 and 'unknown command' in r.stderr
    assert 'Traceback' not in r.stderr and len(r.stderr.strip().splitlines()) == 1

def test_strips_writes_one_grid_per_photo(cli, data_dir, tmp_path):
    photo = data_dir/'photos'/'kodak24'/'kodim05.png'
    r = cli('strips', photo, '-o', tmp_path, '--size', 64, '--filters', 'ec')
    assert r.returncode == 0, r.stderr
    from PIL import Image
    out = tmp_path/'kodim05_strips.jpg'
    assert out.exists() and Image.open(out).size[0] > 100
