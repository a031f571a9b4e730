"""Shared fixtures for the end-to-end tests: the console script and the offline sample data.

A missing console script or missing `../shared/data` is a test *failure*, never a skip: a green run
must mean that everything was tested."""
import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / 'filternet-coco')
ENV = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(ROOT), *filter(None, [os.environ.get('PYTHONPATH')])])}  # this checkout's package

@pytest.fixture(scope='session')
def exe() -> str:
    "The installed `filternet-coco` console script (fails when it is not installed)."
    if not Path(CLI).exists(): pytest.fail(f'console script not installed ({CLI}): pip install -e . --no-deps')
    return CLI

@pytest.fixture(scope='session')
def data_dir() -> Path:
    "The offline sample data folder (fails when it is missing)."
    from filternet_coco.samples import shared_data
    try: return shared_data()
    except FileNotFoundError as e: pytest.fail(str(e))

def run_cli(*args, timeout=300, input=None):
    "Run `filternet-coco ARGS...`; returns the CompletedProcess (text mode unless `input` is bytes)."
    binary = isinstance(input, bytes)
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=not binary, timeout=timeout, cwd=ROOT, env=ENV, input=input)

@pytest.fixture
def cli(exe): return run_cli
