"""`tools/build_docs.py` (what `make docs` runs without quarto): a browsable HTML site from the notebooks as committed."""
import json, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
NBS = ['00_color.ipynb', '03_filters.ipynb']   # two chapters with committed figures (1 and 2)

def build(out, *notebooks):
    return subprocess.run([sys.executable, str(ROOT/'tools'/'build_docs.py'), '--out', str(out), *map(str, notebooks)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('docs')
    r = build(out, *[ROOT/'nbs'/n for n in NBS])
    assert r.returncode == 0, r.stderr
    return out

def test_docs_index_links_chapters_in_order(site):
    index = (site/'index.html').read_text()
    links = re.findall(r'href="([^"]+)"', index)
    assert links == ['00_color.html', '03_filters.html']
    assert '>Colour' in index or '>Color' in index, 'chapter titles come from the H1'

def test_docs_pages_hold_figures_not_directives(site):
    for name, n_figs in (('00_color', 1), ('03_filters', 2)):
        page = (site/f'{name}.html').read_text()
        assert page.count('src="data:image/png;base64,') == n_figs, name     # the committed outputs, embedded
        assert '#| export' not in page and '#| hide' not in page and 'from fastcore.test import' not in page
        assert 'href="index.html"' in page and str(ROOT) not in page

def test_docs_do_not_execute(site, tmp_path):
    "A notebook that would fail if run still builds: the site shows committed outputs, it never re-executes."
    nb = json.loads((ROOT/'nbs'/NBS[0]).read_text())
    nb['cells'].append({'cell_type': 'code', 'execution_count': None, 'id': 'boom', 'metadata': {}, 'outputs': [], 'source': ['raise SystemExit(3)']})
    (tmp_path/'99_x.ipynb').write_text(json.dumps(nb))
    r = build(tmp_path/'out', tmp_path/'99_x.ipynb')
    assert r.returncode == 0, r.stderr
    assert 'SystemExit' in (tmp_path/'out'/'99_x.html').read_text()   # the cell is shown, not run

def test_docs_nothing_built_fails(tmp_path):
    (tmp_path/'bad.ipynb').write_text('not a notebook')
    r = build(tmp_path/'out', tmp_path/'bad.ipynb')
    assert r.returncode == 1 and 'nothing was built' in r.stderr

PROBE = """<script>window.addEventListener('load', () => { const im = [...document.images];
document.body.setAttribute('data-probe', im.length + ':' + im.filter(i => i.complete && i.naturalWidth > 0).length + ':' +
  [...document.querySelectorAll('a[href$=".html"]')].map(a => a.getAttribute('href')).join(',')); });</script>"""

def _chromium():
    return next((shutil.which(c) for c in ('chromium', 'chromium-browser', 'google-chrome') if shutil.which(c)), None)

def test_docs_render_in_headless_chromium(site):
    "Chromium loads each page, decodes every figure and finds the navigation links."
    chromium = _chromium()
    if not chromium: pytest.skip('headless Chromium is not installed (Debian: apt-get install chromium); the HTML itself is checked above')
    for name, n_figs in (('index', 0), ('00_color', 1), ('03_filters', 2)):
        probe = site/f'_probe_{name}.html'
        probe.write_text((site/f'{name}.html').read_text().replace('</body>', PROBE + '</body>'))
        r = subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=10000', '--dump-dom', probe.as_uri()],
                           capture_output=True, text=True, timeout=120)
        m = re.search(r'data-probe="(\d+):(\d+):([^"]*)"', r.stdout)
        assert m, f'{name}: no probe result; chromium said {r.stderr[-500:]}'
        n, ok, links = int(m[1]), int(m[2]), m[3].split(',')
        assert n == ok == n_figs, f'{name}: {ok} of {n} images decoded, expected {n_figs}'
        for link in links: assert (site/link).is_file(), f'{name}: broken link {link}'
        assert (name == 'index') == ('index.html' not in links)

# The import gate of `make test` (tools/check_imports.py) lives with the docs tooling: both are infrastructure tests.
def test_import_gate_reports_unused_and_undefined(tmp_path):
    (tmp_path/'m.py').write_text('import os, sys\nprint(sys.argv, undefined_name)\n')
    sys.path.insert(0, str(ROOT/'tools'))
    try: import check_imports
    finally: sys.path.remove(str(ROOT/'tools'))
    found = check_imports.lint_findings([str(tmp_path)])
    assert len(found) == 2, found
    assert 'm.py:1:8: F401' in found[0] and "`os`" in found[0] and 'm.py:2:17: F821' in found[1]

def test_import_gate_imports_each_module_alone():
    code = ('import sys; sys.path.insert(0, "tools"); import check_imports as c; '
            'print(c.import_findings(["filternet_coco.color", "filternet_coco.no_such_module"]))')
    r = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert 'filternet_coco/no_such_module.py: does not import on its own: ModuleNotFoundError' in r.stdout
    assert 'color' not in r.stdout
