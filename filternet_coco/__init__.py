"""filternet_coco: FilterNet, CocoGold and COCONET. The main names are imported lazily on first use, so `import filternet_coco` stays fast."""
__version__ = "0.1.0"

_API = {'enhance': 'api', 'render_photo': 'api', 'segment': 'api', 'coconet_edit': 'coconet', 'FilterParams': 'params',
        'Photo': 'io', 'read_photo': 'io', 'write_photo': 'io', 'UserError': 'io'}
__all__ = list(_API)

def __getattr__(name: str):
    "The top-level API (`filternet_coco.enhance`, ...), imported from its module on first use."
    if name not in _API: raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    import importlib
    return getattr(importlib.import_module(f'{__name__}.{_API[name]}'), name)

def __dir__(): return sorted([*globals(), *_API])
