"""`tools/build_docs.py` (what `make docs` runs without quarto): a browsable HTML site from the notebooks as committed."""
import json, os, re, shutil, subprocess, sys
from pathlib import Path
import nbformat, pytest

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

def _tools(name):
    "A module of tools/ (not a package), imported by file name."
    sys.path.insert(0, str(ROOT/'tools'))
    try: return __import__(name)
    finally: sys.path.remove(str(ROOT/'tools'))

def _nb(*cells):
    "A notebook of `(cell_type, source, outputs)` cells."
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s, outputs=o) if t == 'code' else nbformat.v4.new_markdown_cell(s)
                                           for t, s, o in cells])

def test_committed_notebooks_open_with_title_and_hold_no_warnings_or_machine_paths():
    "Every notebook of nbs/ as committed: default_exp, title, then imports; no warning on stderr, no path of the machine that ran it."
    bd = _tools('build_docs')
    assert bd.check(bd.chapters()) == []

def test_output_check_finds_warnings_and_machine_paths_not_images():
    bd = _tools('build_docs')
    stream = lambda name, text: nbformat.v4.new_output('stream', name=name, text=text)
    png = nbformat.v4.new_output('display_data', data={'image/png': 'AAAA/tmp/BBBB', 'text/plain': '<Figure size 10x10>'})
    nb = _nb(('code', 'x', [stream('stderr', '<ipython-input-1>:1: UserWarning: not writable\n')]),
             ('code', 'y', [stream('stdout', 'saved to /home/ann/out.png\n'), png]),
             ('code', 'z', [stream('stdout', 'Warning: in a table on stdout is text, https://example.org/tmp/ is a URL\n')]),
             ('code', 'w', [nbformat.v4.new_output('error', ename='E', evalue='', traceback=['File /root/x.py, line 1'])]))
    assert bd.output_problems(nb) == ['cell 0: a warning in its stderr output (UserWarning:)',
                                      'cell 1: a machine path in its stdout output (/home/ann/out.png)',
                                      'cell 3: a machine path in its error output (/root/x.py,)']

def test_opening_check():
    bd = _tools('build_docs')
    exp, title, imports = ('code', '#| default_exp m', []), ('markdown', '# M\n> What m does.\n\nIntro.', None), ('code', '#| export\nimport os', [])
    section = ('markdown', '## Part one\n\nText.', None)
    assert bd.opening_problems(_nb(exp, title, imports, section)) == []
    assert bd.opening_problems(_nb(title, imports, section)) == []                  # a notebook that exports nothing (no default_exp)
    assert 'does not open with its H1 title' in bd.opening_problems(_nb(exp, imports, title))[0]
    assert bd.opening_problems(_nb(exp, ('markdown', '# M\n\nIntro.', None), imports)) == ['its title cell has no `> subtitle` line (it becomes the module docstring)']
    assert bd.opening_problems(_nb(exp, title, section, imports)) == ['its first `##` section starts before its imports']

def test_docs_build_fails_on_a_committed_warning(tmp_path):
    nb = json.loads((ROOT/'nbs'/NBS[0]).read_text())
    nb['cells'].append({'cell_type': 'code', 'execution_count': None, 'id': 'warn', 'metadata': {}, 'source': ['import x'],
                        'outputs': [{'output_type': 'stream', 'name': 'stderr', 'text': ['/work/a.py:3: FutureWarning: old\n']}]})
    (tmp_path/'99_x.ipynb').write_text(json.dumps(nb))
    r = build(tmp_path/'out', tmp_path/'99_x.ipynb')
    assert r.returncode == 1 and not (tmp_path/'out').exists()
    assert '99_x.ipynb: cell' in r.stderr and 'FutureWarning:' in r.stderr and '(/work/a.py:3:)' in r.stderr

def test_docs_index_lists_chapters_between_sections(tmp_path):
    "The home page: introduction, the chapter list, then the index's own sections whole (the 'In Python' text right before its code)."
    r = build(tmp_path, ROOT/'nbs'/'index.ipynb', ROOT/'nbs'/NBS[0])
    assert r.returncode == 0, r.stderr
    page = (tmp_path/'index.html').read_text()
    at = lambda s: page.index(s)
    assert at('id="filternet_coco"') < at('id="Chapters"') < at('href="00_color.html">Colour</a>') < at('id="Set-up"') < at('id="In-Python"')
    between = page[at('id="In-Python"'):at('FilterParams</span><span class="p">(</span><span class="n">exposure')]
    assert 'shared by the whole library' in between and 'Chapters' not in between and '<li>' not in between

def test_docs_nothing_built_fails(tmp_path):
    (tmp_path/'bad.ipynb').write_text('not a notebook')
    r = build(tmp_path/'out', tmp_path/'bad.ipynb')
    assert r.returncode == 1 and 'nothing was built' in r.stderr

PROBE = """<script>window.addEventListener('load', () => { const im = [...document.images];
const h1 = document.querySelector('h1'), code = document.querySelector('.jp-CodeCell');
const titleFirst = !!h1 && (!code || !!(h1.compareDocumentPosition(code) & Node.DOCUMENT_POSITION_FOLLOWING));
document.body.setAttribute('data-probe', im.length + ':' + im.filter(i => i.complete && i.naturalWidth > 0).length + ':' + titleFirst + ':' +
  [...document.querySelectorAll('a[href$=".html"]')].map(a => a.getAttribute('href')).join(',')); });</script>"""

def _chromium():
    return next((shutil.which(c) for c in ('chromium', 'chromium-browser', 'google-chrome') if shutil.which(c)), None)

NO_CHROMIUM = 'headless Chromium is not installed (Debian: apt-get install chromium); the HTML itself is checked above'

def test_docs_render_in_headless_chromium(site):
    "Chromium loads each page, decodes every figure, shows the title before any code and finds the navigation links (CI: must run)."
    chromium = _chromium()
    if not chromium and os.environ.get('CI'): pytest.fail(f'CI is set but {NO_CHROMIUM}: .ci/run installs it before `make test`')
    if not chromium: pytest.skip(NO_CHROMIUM)
    for name, n_figs in (('index', 0), ('00_color', 1), ('03_filters', 2)):
        probe = site/f'_probe_{name}.html'
        probe.write_text((site/f'{name}.html').read_text().replace('</body>', PROBE + '</body>'))
        r = subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=10000', '--dump-dom', probe.as_uri()],
                           capture_output=True, text=True, timeout=120)
        m = re.search(r'data-probe="(\d+):(\d+):(true|false):([^"]*)"', r.stdout)
        assert m, f'{name}: no probe result; chromium said {r.stderr[-500:]}'
        n, ok, title_first, links = int(m[1]), int(m[2]), m[3] == 'true', m[4].split(',')
        assert n == ok == n_figs, f'{name}: {ok} of {n} images decoded, expected {n_figs}'
        assert title_first, f'{name}: a code cell shows above the page title'
        for link in links: assert (site/link).is_file(), f'{name}: broken link {link}'
        assert (name == 'index') == ('index.html' not in links)

def test_docs_browser_test_fails_in_ci_without_chromium(site, monkeypatch):
    "With CI set and no Chromium on PATH the browser test fails (CI must install it); without CI it skips with its one line."
    monkeypatch.setenv('PATH', str(site))          # a folder with no browser in it
    monkeypatch.setenv('CI', 'true')
    with pytest.raises(pytest.fail.Exception, match='CI is set but headless Chromium is not installed'): test_docs_render_in_headless_chromium(site)
    monkeypatch.delenv('CI')
    with pytest.raises(pytest.skip.Exception, match='^headless Chromium is not installed'): test_docs_render_in_headless_chromium(site)

# The import gate of `make test` (tools/check_imports.py) lives with the docs tooling: both are infrastructure tests.
def test_import_gate_reports_unused_and_undefined(tmp_path):
    (tmp_path/'m.py').write_text('import os, sys\nprint(sys.argv, undefined_name)\n')
    check_imports = _tools('check_imports')
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

def test_fix_openings_puts_title_and_introduction_before_the_imports():
    "The old order (imports, then a title cell running into its first section, prose after) becomes the house order."
    fix = _tools('fix_openings')
    cell = lambda t, s, i: {'cell_type': t, 'id': i, 'metadata': {}, 'source': s.splitlines(keepends=True), **({'outputs': []} if t == 'code' else {})}
    old = [cell('code', '#| default_exp m', 'a'), cell('code', '#| export\nimport os', 'b'), cell('code', '#| hide\nfrom fastcore.test import *', 'c'),
           cell('markdown', '# M\n> What m does.\n\nIntro.\n\n## Part one\n\nText.', 'd'), cell('code', '#| export\ndef f(): pass', 'e')]
    cells = [dict(c) for c in old]
    assert fix.fix_opening(cells, 'm') == ['title from cell 3 to 1', 'introduction split before its first section']
    assert [c['id'] for c in cells][:5] == ['a', 'd', 'b', 'c', cells[4]['id']] and cells[5]['id'] == 'e'
    assert _tools('build_docs').opening_problems(nbformat.reads(json.dumps({'nbformat': 4, 'nbformat_minor': 5, 'metadata': {}, 'cells': cells}), as_version=4)) == []
    assert ''.join(cells[1]['source']) == '# M\n> What m does.\n\nIntro.' and ''.join(cells[4]['source']).startswith('## Part one')
    assert fix.fix_opening(cells, 'm') == []                                            # already in order: left alone
    prose = [cell('code', '#| default_exp m', 'a'), cell('code', '#| export\nimport os', 'b'), cell('markdown', '# M\n> m.', 'd'),
             cell('markdown', 'More introduction.', 'p'), cell('markdown', '## Part one', 's')]
    assert fix.fix_opening(prose, 'm') == ['title from cell 2 to 1', '1 introduction cell(s) moved before the imports']
    assert [c['id'] for c in prose] == ['a', 'd', 'p', 'b', 's']
    inside = [cell('code', '#| default_exp m', 'a'), cell('markdown', '# M\n> m.\n\n## Part one\n\nText.', 'd'),
              cell('code', '#| export\nimport os', 'b'), cell('code', '#| hide\nimport sys', 'c'), cell('code', '#| export\nx = 1', 'e')]
    assert fix.fix_opening(inside, 'm') == ['introduction split before its first section']   # title in place, section before the imports
    assert [c['id'] for c in inside][:4] == ['a', 'd', 'b', 'c'] and ''.join(inside[4]['source']).startswith('## Part one') and inside[5]['id'] == 'e'
