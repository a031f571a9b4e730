"""Build a browsable HTML site of the notebooks, as committed (never re-executed), without quarto.

    python tools/build_docs.py [--out _docs] [nbs/00_color.ipynb ...]

Each chapter becomes `OUT/<name>.html` (nbconvert's HTML exporter with the committed outputs,
figures embedded): `#| hide` cells and `#|` directive lines are left out as nbdev's own docs do, and
a line of links (contents, previous, next) opens every page. `OUT/index.html` is `nbs/index.ipynb`
with the chapters listed on top in reading order (file name order, as in nbs/), each with its title and
subtitle (a plain list page when index.ipynb is not among the notebooks built). All links are
relative, so the folder can be opened from disk or served anywhere. Prints one line per page; exits
1 when a notebook could not be converted or nothing was built. `make docs` runs `nbdev_docs`
instead when quarto is installed.
"""
import argparse, copy, html, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r'^\s*#\s*\|')

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

def convert(path: Path, out: Path, prev=None, nxt=None, contents: str | None = None) -> tuple[str, str]:
    "Write `out/<stem>.html` for notebook `path` (with the `contents` markdown on top if given); returns its title and subtitle."
    import nbformat
    from nbconvert import HTMLExporter
    nb = nbformat.read(path, as_version=4)
    title, sub = title_of(nb)
    doc = _doc_cells(nb)
    doc.cells.insert(0, nbformat.v4.new_markdown_cell(_nav(prev, nxt)))
    if contents: doc.cells.insert(2, nbformat.v4.new_markdown_cell(contents))
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
    a = ap.parse_args()
    nbs = [p.resolve() for p in a.notebooks] or chapters()
    pages, failed = build(nbs, a.out)
    for p in pages: print(p)
    for f in failed: print(f'docs: could not convert {f}', file=sys.stderr)
    if not pages: sys.exit('docs: nothing was built')
    if failed: sys.exit(f'docs: {len(failed)} notebook(s) failed')
    print(f'docs: {len(pages)} pages in {a.out}/ (open {a.out / "index.html"})')

if __name__ == '__main__': main()
