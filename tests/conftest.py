"""Shared fixtures for the end-to-end tests: the console script and the offline sample data."""
import subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / 'filternet-coco')

@pytest.fixture(scope='session')
def data_dir():
    from filternet_coco.samples import shared_data
    return shared_data()

def run_cli(*args, timeout=300):
    "Run `filternet-coco ARGS...`; returns the CompletedProcess (text mode)."
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT)

@pytest.fixture
def cli(): return run_cli
