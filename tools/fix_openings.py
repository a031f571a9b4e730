"""Put each chapter's opening in the house order, in place: `#| default_exp`, the H1 title + `>` subtitle and the
introduction, the import cells (`#| export` / `#| hide` code cells), then the first `##` section.

    python tools/fix_openings.py [nbs/03_filters.ipynb ...]     # default: every notebook of nbs/; then nbdev_clean

A title that comes after the import cells (the old order) moves up; an introduction that runs into the first section
is split there, the section going after the imports; prose that continued the introduction after the imports moves
before them. Only markdown cells move, so the code runs as before; chapters in order are left alone. One line per change.
`tools/build_docs.py --check` (run by `make test` through tests/test_docs.py) says which notebooks need it.
"""
import json, re, sys, uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = re.compile(r'#\|\s*(export|hide)\b')

def _src(c) -> str: return ''.join(c['source'])
def _heading(c) -> bool: return c['cell_type'] == 'markdown' and _src(c).lstrip().startswith('#')

def _split_section(cells: list, i: int, key: str):
    "Cut markdown cell `i` before its first `## ` line (not its first line); the section part as a new cell, or None."
    t = _src(cells[i]); m = re.search(r'^## ', t, re.M)
    if not m or m.start() == 0: return None
    cells[i]['source'] = t[:m.start()].rstrip('\n').splitlines(keepends=True)
    return {'cell_type': 'markdown', 'id': uuid.uuid5(uuid.NAMESPACE_URL, key + cells[i]['id']).hex[:8], 'metadata': {},
            'source': t[m.start():].splitlines(keepends=True)}

def _import_end(cells: list, k: int = 2) -> int:
    "End of the import cells from `k`: one `#| export` code cell, then any `#| hide` ones (the house opening)."
    is_code = lambda j, d: j < len(cells) and cells[j]['cell_type'] == 'code' and re.match(rf'#\|\s*{d}\b', _src(cells[j]))
    k += bool(is_code(k, 'export'))
    while is_code(k, 'hide'): k += 1
    return k

def _prose_end(cells: list, j: int, prev: int) -> int:
    "End of the run of prose cells from `j` that continue the introduction (cell `prev` before them; no section begun)."
    while (j < len(cells) and cells[j]['cell_type'] == 'markdown' and not _heading(cells[j])
           and not re.search(r'^## ', _src(cells[prev]), re.M)): prev, j = j, j + 1
    return j

def fix_opening(cells: list, key: str = '') -> list[str]:
    "Reorder the notebook `cells` (nbformat JSON dicts) in place; what was done."
    if not (cells and cells[0]['cell_type'] == 'code' and _src(cells[0]).startswith('#| default_exp')): return []
    i = next((i for i, c in enumerate(cells) if c['cell_type'] == 'markdown' and _src(c).startswith('# ')), 1)
    if i != 1 and not all(c['cell_type'] == 'code' and IMPORTS.match(_src(c)) for c in cells[1:i]): return []
    done = []
    if i != 1: cells.insert(1, cells.pop(i)); done.append(f'title from cell {i} to 1')
    p = 2 if i != 1 else _prose_end(cells, 2, 1)                 # the import cells are cells[p:k]
    k = i + 1 if i != 1 else _import_end(cells, p)
    j = _prose_end(cells, k, p - 1)
    if j > k: cells[p:j] = cells[k:j] + cells[p:k]; done.append(f'{j - k} introduction cell(s) moved before the imports')
    last = p - 1 + (j - k)                                       # the introduction's last cell
    if k > p and (sec := _split_section(cells, last, key)) is not None:
        cells.insert(last + 1 + (k - p), sec); done.append('introduction split before its first section')
    return done

def main():
    paths = [Path(a) for a in sys.argv[1:]] or sorted((ROOT/'nbs').glob('*.ipynb'))
    for p in paths:
        nb = json.loads(p.read_text(encoding='utf-8'))
        if done := fix_opening(nb['cells'], p.name):
            p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
            print(f'{p.name}: ' + '; '.join(done))

if __name__ == '__main__': main()
