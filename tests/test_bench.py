"""Benchmarks that cannot rot: every `bench/` script runs to its one-line summary in smoke mode (BENCH_SMOKE=1: tiny
sizes, one run, seconds), here in `make test`; `make bench` runs them at full size. No timing is asserted: only that each
script still runs, really in smoke mode, and ends with its summary."""
import os, subprocess, sys
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT/'bench'))
import _harness  # noqa: E402

SUMMARIES = {  # script: how its last line (the summary `make bench` collects) starts; a new script adds its own
    'coconet.py': 'SUMMARY coconet composite', 'enhance.py': 'enhance overhead vs JPEG I/O:', 'export.py': 'summary: batch 1 onnxruntime',
    'render.py': 'render speed-up vs Pillow Color3DLUT:', 'startup.py': 'enhance one photo / import torch:'}

@pytest.mark.parametrize('script', _harness.scripts(), ids=lambda p: p.name)
def test_bench_script_runs_in_smoke_mode(script, data_dir):
    env = {**os.environ, 'BENCH_SMOKE': '1', 'FILTERNET_COCO_DATA': str(data_dir), 'PYTHONPATH': str(ROOT)}
    r = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and 'Traceback' not in r.stderr, r.stderr[-3000:]
    lines = r.stdout.strip().splitlines()
    assert 'SMOKE RUN' in lines[0], f'{script.name} does not print its device line (_harness.device_name) first'
    assert script.name in SUMMARIES, f'{script.name}: add the start of its summary line to SUMMARIES'
    assert lines[-1].startswith(SUMMARIES[script.name]), lines[-1]

def test_bench_runner_summarises_every_script_and_fails_when_one_does(tmp_path, capsys):
    (tmp_path/'bench').mkdir()
    (tmp_path/'bench'/'a_ok.py').write_text("import os\nprint('device: here')\nprint(f\"summary: smoke={os.environ['BENCH_SMOKE']}\")\n")
    (tmp_path/'bench'/'b_bad.py').write_text("print('device: here')\nraise SystemExit('bad: broke')\n")
    (tmp_path/'bench'/'_helper.py').write_text("raise SystemExit('a helper is not a benchmark')\n")
    found = _harness.scripts(tmp_path/'bench')
    assert [p.name for p in found] == ['a_ok.py', 'b_bad.py']
    assert _harness.run_all(found, smoke_run=True) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-3:] == ['== summary (smoke run: tiny sizes, not measurements)', 'a_ok.py      summary: smoke=1', 'b_bad.py     FAILED (exit 1): bad: broke']
    assert _harness.run_all(found[:1]) == 0 and capsys.readouterr().out.splitlines()[-1] == 'a_ok.py      summary: smoke=0'
