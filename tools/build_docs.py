"""Build a browsable HTML site of the notebooks, as committed (never re-executed), without quarto.

    python tools/build_docs.py [--out _docs] [nbs/00_color.ipynb ...]

Each chapter becomes `OUT/<name>.html` (nbconvert's HTML exporter with the committed outputs,
figures embedded): `#| hide` cells and `#|` directive lines are left out as nbdev's own docs do, and
a line of links (contents, previous, next) opens every page. `OUT/index.html` is `nbs/index.ipynb`
with the chapters listed in reading order (file name order, as in nbs/) after its introduction, before
its first `##` section, each with its title and subtitle (a plain list page when index.ipynb is not among
the notebooks built). All links are relative, so the folder can be opened from disk or served anywhere.

Before building, every notebook is checked (`check`, also run by tests/test_docs.py in `make test`):
a chapter opens with its `#| default_exp` cell, then its H1 title and `>` subtitle, then the rest;
no committed output holds a warning on stderr or a machine path (/root/, /tmp/, /work/, /home/,
/Users/). `--check` only checks. Prints one line per page (or per problem); exits 1 when a check
fails, a notebook could not be converted or nothing was built. `make docs` runs `nbdev_docs`
instead when quarto is installed.
"""
import argparse, copy, html, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r'^\s*#\s*\|')
WARNING = re.compile(r'\w*Warning:|warnings\.warn\(')                       # what Python prints for a warning
MACHINE_PATH = re.compile(r'(?<![\w.~-])/(?:root|tmp|work|home|Users)/[^\s\'"]*')  # a path of the machine that ran the cell

def chapters(nbs: Path = ROOT/'nbs') -> list[Path]:
    "The notebooks of `nbs` in reading order (`index` first), without `_`-prefixed scratch notebooks or checkpoints."
    found = [p for p in nbs.rglob('*.ipynb') if not any(s.startswith(('_', '.')) for s in p.relative_to(nbs).parts)]
    return sorted(found, key=lambda p: (p.stem != 'index', p.relative_to(nbs).as_posix()))

def title_of(nb) -> tuple[str, str]:
    "The chapter's H1 title and `>` subtitle (empty strings when missing)."
    for c in nb.cells:
        if c.cell_type == 'markdown' and (m := re.search(r'^# (.+)$', c.source, re.M)):
            sub = re.search(r'^> (.+)$', c.source, re.M)
            return m.group(1).strip(), sub.group(1).strip() if sub else ''
    return '', ''

def _output_texts(o) -> list[tuple[str, str]]:
    "`(kind, text)` of a committed output: a stream by its name, an error's traceback, the text forms of data (images left out)."
    if o.get('output_type') == 'stream': return [(o.get('name', 'stream'), o.get('text', ''))]
    if o.get('output_type') == 'error': return [('error', '\n'.join(o.get('traceback', [])))]
    return [(k, v if isinstance(v, str) else ''.join(v)) for k, v in o.get('data', {}).items() if k.startswith('text/')]

def output_problems(nb) -> list[str]:
    "One line per committed output holding a warning (on stderr) or a machine path."
    found = []
    for i, c in enumerate(nb.cells):
        for o in c.get('outputs', []):
            for kind, text in _output_texts(o):
                if kind == 'stderr' and (m := WARNING.search(text)): found.append(f'cell {i}: a warning in its stderr output ({m.group(0)})')
                if m := MACHINE_PATH.search(text): found.append(f'cell {i}: a machine path in its {kind} output ({m.group(0)[:60]})')
    return found

def opening_problems(nb) -> list[str]:
    "What is wrong with how `nb` opens: the `#| default_exp` cell (if it exports), then the H1 title with a `>` subtitle."
    cells = list(nb.cells)
    exports = bool(cells) and cells[0].cell_type == 'code' and bool(re.match(r'#\s*\|\s*default_exp\b', cells[0].source))
    if exports: cells = cells[1:]
    first = cells[0] if cells else None
    if first is None or first.cell_type != 'markdown' or not first.source.startswith('# '):
        return ['does not open with its H1 title (cell order: `#| default_exp`, then the `# Title` + `> subtitle` markdown, then imports)']
    found = [] if re.search(r'^> \S', first.source, re.M) else ['its title cell has no `> subtitle` line (it becomes the module docstring)']
    before_code = next((i for i, c in enumerate(cells) if c.cell_type == 'code'), len(cells))
    if exports and any(re.search(r'^## ', c.source, re.M) for c in cells[:before_code]): found.append('its first `##` section starts before its imports')
    return found

def check(notebooks: list[Path]) -> list[str]:
    "`path: problem` for every notebook that opens wrongly or commits a warning or a machine path (unreadable ones are left to `build`)."
    import nbformat
    found = []
    for p in notebooks:
        try: nb = nbformat.read(p, as_version=4)
        except Exception: continue
        found += [f'{p.name}: {x}' for x in opening_problems(nb) + output_problems(nb)]
    return found

def _doc_cells(nb):
    "A copy of `nb` as nbdev shows it: hidden cells dropped, directive lines removed from code."
    nb = copy.deepcopy(nb); keep = []
    for c in nb.cells:
        if c.cell_type == 'code':
            lines = c.source.splitlines()
            dirs = [l for l in lines if DIRECTIVE.match(l)]
            if any(re.match(r'^\s*#\s*\|\s*(hide|default_exp)\b', l) for l in dirs) and not any('echo: true' in l for l in dirs):
                continue
            c.source = '\n'.join(l for l in lines if not DIRECTIVE.match(l)).strip('\n')
            if not c.source and not c.get('outputs'): continue
        keep.append(c)
    nb.cells = keep
    return nb

def _nav(prev: Path | None, nxt: Path | None) -> str:
    "The markdown line of links at the top of a page."
    links = ['[Contents](index.html)'] + ([f'[← {prev.stem}]({prev.stem}.html)'] if prev else []) + ([f'[{nxt.stem} →]({nxt.stem}.html)'] if nxt else [])
    return ' · '.join(links)

def _contents_md(entries: list[tuple[str, str, str]]) -> str:
    "A markdown list of links to the chapters `(stem, title, subtitle)`."
    return '## Chapters\n\n' + '\n'.join(f'1. [{t or s}]({s}.html) (`{s}`){": " + sub if sub else ""}' for s, t, sub in entries)

def _insert_before_first_section(cells: list, new) -> list:
    "`cells` with cell `new` right before the first `## ` heading (a markdown cell split there), or at the end when there is none."
    import nbformat
    for i, c in enumerate(cells):
        if c.cell_type != 'markdown' or not (m := re.search(r'^## ', c.source, re.M)): continue
        head, tail = c.source[:m.start()].strip('\n'), c.source[m.start():]
        return cells[:i] + ([nbformat.v4.new_markdown_cell(head)] if head else []) + [new, nbformat.v4.new_markdown_cell(tail)] + cells[i + 1:]
    return cells + [new]

def convert(path: Path, out: Path, prev=None, nxt=None, contents: str | None = None) -> tuple[str, str]:
    "Write `out/<stem>.html` for notebook `path` (with the `contents` markdown before its first section if given); returns its title and subtitle."
    import nbformat
    from nbconvert import HTMLExporter
    nb = nbformat.read(path, as_version=4)
    title, sub = title_of(nb)
    doc = _doc_cells(nb)
    doc.cells.insert(0, nbformat.v4.new_markdown_cell(_nav(prev, nxt)))
    if contents: doc.cells = _insert_before_first_section(doc.cells, nbformat.v4.new_markdown_cell(contents))
    doc.metadata['title'] = title or path.stem
    body, _ = HTMLExporter(template_name='lab').from_notebook_node(doc, resources={'metadata': {'name': title or path.stem}})
    (out/f'{path.stem}.html').write_text(body, encoding='utf-8')
    return title, sub

def write_index(out: Path, entries: list[tuple[str, str, str]], name: str) -> Path:
    "Write `out/index.html`: one link per chapter `(stem, title, subtitle)`, in order."
    rows = '\n'.join(f'<li><a href="{html.escape(s)}.html">{html.escape(t or s)}</a> <code>{html.escape(s)}</code>'
                     f'{"<br><span>" + html.escape(sub) + "</span>" if sub else ""}</li>' for s, t, sub in entries)
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)}</title>'
            '<style>body{font-family:sans-serif;max-width:900px;margin:auto;padding:1em}li{margin:.6em 0}span{color:#444}</style>'
            f'</head><body><h1>{html.escape(name)}</h1><p>The chapters in reading order (each imports only earlier ones).</p>'
            f'<ol>\n{rows}\n</ol></body></html>\n')
    (out/'index.html').write_text(page, encoding='utf-8')
    return out/'index.html'

def _titles(notebooks: list[Path]) -> list[tuple[str, str, str]]:
    "`(stem, title, subtitle)` of each chapter except the home page."
    import nbformat
    return [(p.stem, *title_of(nbformat.read(p, as_version=4))) for p in notebooks if p.stem != 'index']

def build(notebooks: list[Path], out: Path, name: str = 'filternet_coco') -> tuple[list[Path], list[str]]:
    """Convert `notebooks` into `out`; returns the pages written (the home page first) and the failures.
    `index.ipynb`, when among them, is the home page with the chapter list on top; else a plain list is."""
    out.mkdir(parents=True, exist_ok=True)
    pages, failed = [], []
    try: entries = _titles(notebooks)
    except Exception as e: return [], [f'reading the notebooks: {type(e).__name__}: {e}']
    for i, p in enumerate(notebooks):
        prev, nxt = (notebooks[i - 1] if i else None), (notebooks[i + 1] if i + 1 < len(notebooks) else None)
        try: convert(p, out, prev, nxt, _contents_md(entries) if p.stem == 'index' else None)
        except Exception as e:
            failed.append(f'{p}: {type(e).__name__}: {e}'); continue
        pages.append(out/f'{p.stem}.html')
    if pages and not any(p.stem == 'index' for p in notebooks): pages.insert(0, write_index(out, entries, name))
    return pages, failed

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', type=Path, help='default: every chapter in nbs/')
    ap.add_argument('--out', type=Path, default=ROOT/'_docs')
    ap.add_argument('--check', action='store_true', help='only check the notebooks (openings, committed outputs); build nothing')
    a = ap.parse_args()
    nbs = [p.resolve() for p in a.notebooks] or chapters()
    problems = check(nbs)
    for x in problems: print(f'docs: {x}', file=sys.stderr)
    if problems: sys.exit(f'docs: {len(problems)} problem(s) in the committed notebooks (openings: tools/fix_openings.py; outputs: '
                          'silence the warning at its source and re-run the cell, or drop that output)')
    if a.check: print(f'docs: {len(nbs)} notebooks checked'); return
    pages, failed = build(nbs, a.out)
    for p in pages: print(p)
    for f in failed: print(f'docs: could not convert {f}', file=sys.stderr)
    if not pages: sys.exit('docs: nothing was built')
    if failed: sys.exit(f'docs: {len(failed)} notebook(s) failed')
    print(f'docs: {len(pages)} pages in {a.out}/ (open {a.out / "index.html"})')

if __name__ == '__main__': main()
