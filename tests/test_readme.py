"""Every ```python block of README.md runs, in order, in one namespace, as a reader would paste them."""
import re
from conftest import ROOT

def python_blocks(text: str) -> list[str]:
    "The code of the ```python fenced blocks of a markdown text."
    return re.findall(r'^```python\n(.*?)^```', text, flags=re.S | re.M)

def test_python_blocks_are_found():
    assert python_blocks('a\n```python\nx = 1\n```\n```sh\nls\n```\n```python\ny = x\n```\n') == ['x = 1\n', 'y = x\n']

def test_readme_python_blocks_run(tmp_path, data_dir, monkeypatch):
    blocks = python_blocks((ROOT/'README.md').read_text())
    assert len(blocks) >= 3
    monkeypatch.setenv('FILTERNET_COCO_DATA', str(data_dir))
    monkeypatch.chdir(tmp_path)                         # files the snippets write land here
    ns = {'__name__': '__readme__'}
    for i, code in enumerate(blocks): exec(compile(code, f'README.md python block {i + 1}', 'exec'), ns)
    assert (tmp_path/'better.jpg').exists() and (tmp_path/'dog_brighter.jpg').exists()
