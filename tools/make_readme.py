"""Write README.md from nbs/index.ipynb without quarto (which cannot be installed everywhere).

Markdown cells are copied; code cells become ```python blocks followed by their
text output; cells with `#| hide` are left out and other `#|` directives are dropped.
"""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def _text_output(o):
    if o.get('output_type') == 'stream': return ''.join(o.get('text', ''))
    data = o.get('data', {})
    return ''.join(data['text/plain']) if 'text/plain' in data and 'image/png' not in data else ''

def cell_to_md(cell):
    "Markdown for one notebook cell ('' when hidden)."
    src = _src(cell)
    lines = src.splitlines()
    if any(l.strip().replace(' ', '') in ('#|hide', '#|include:false') for l in lines): return ''
    if cell['cell_type'] == 'markdown': return src.strip() + '\n'
    if cell['cell_type'] != 'code': return ''
    code = '\n'.join(l for l in lines if not l.lstrip().startswith('#|')).strip()
    out = ''.join(_text_output(o) for o in cell.get('outputs', [])).rstrip()
    md = f'```python\n{code}\n```\n' if code else ''
    return md + (f'\n```\n{out}\n```\n' if out else '')

def main():
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
    parts = [m for m in map(cell_to_md, nb['cells']) if m]
    head = '<!-- Generated from nbs/index.ipynb by `make readme`; edit the notebook, not this file. -->\n\n'
    (ROOT/'README.md').write_text(head + '\n'.join(parts), encoding='utf-8')

if __name__ == '__main__': main()
