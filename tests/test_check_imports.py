"""`tools/check_imports.py` finds import cycles, lazy imports and relative imports included, and the package has none."""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent/'tools'))
from check_imports import import_graph, import_cycles


def _package(root: Path, files: dict):
    for name, text in files.items():
        (root/name).parent.mkdir(parents=True, exist_ok=True); (root/name).write_text(text)


def test_a_lazy_cycle_through_a_relative_import_is_found(tmp_path):
    _package(tmp_path, {'pkg/__init__.py': '', 'pkg/sub/__init__.py': '',
                        'pkg/sub/a.py': 'from .b import f\n',                              # a -> b at import time
                        'pkg/sub/b.py': 'def f():\n    from pkg.sub import a\n',           # b -> a inside a function
                        'pkg/c.py': 'from .sub.a import f\n'})                            # c -> a, no cycle
    g = import_graph(tmp_path, 'pkg')
    assert g['pkg.sub.a'] == {'pkg.sub.b'} and g['pkg.c'] == {'pkg.sub.a'}
    assert import_cycles(g) == [['pkg.sub.a', 'pkg.sub.b']]


def test_a_tree_has_no_cycle(tmp_path):
    _package(tmp_path, {'pkg/__init__.py': '', 'pkg/a.py': 'import pkg.b\n', 'pkg/b.py': 'import os\n'})
    assert import_cycles(import_graph(tmp_path, 'pkg')) == []


def test_the_package_has_no_import_cycle():
    assert import_cycles(import_graph()) == []
