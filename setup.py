"""Package set-up: every field comes from settings.ini (nbdev 2 style)."""
import shlex
from configparser import ConfigParser
from setuptools import find_packages, setup

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

expected = 'version description keywords author author_email license git_url lib_name min_python'.split()
missing = [k for k in expected if k not in cfg]
if missing: raise SystemExit(f'settings.ini lacks the keys: {", ".join(missing)}')

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
lic = licenses[cfg['license']]
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()
min_python = cfg['min_python']
reqs = shlex.split(cfg.get('requirements', ''))
dev_reqs = shlex.split(cfg.get('dev_requirements', ''))
extras = {'dev': dev_reqs}
for key in ("train", "cocogold", "app", "export"):
    if cfg.get(f'{key}_requirements'): extras[key] = shlex.split(cfg[f'{key}_requirements'])
extras['all'] = sorted({r for v in extras.values() for r in v})
scripts = [s.strip() for s in cfg.get('console_scripts', '').split('\n') if s.strip()]

setup(
    name=cfg['lib_name'].replace('_', '-'),
    version=cfg['version'],
    description=cfg['description'],
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    url=cfg['git_url'],
    author=cfg['author'], author_email=cfg['author_email'],
    license=lic[0],
    keywords=cfg['keywords'],
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])], 'Intended Audience :: ' + cfg['audience'].title(),
                 'License :: ' + lic[1], 'Natural Language :: ' + cfg['language'].title()]
                + ['Programming Language :: Python :: ' + v for v in py_versions[py_versions.index(min_python):]],
    packages=find_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*']),
    include_package_data=True,
    package_data={cfg['lib_name']: ['weights/**/*', 'weights/*', 'assets/*', 'data/*']},
    install_requires=reqs,
    extras_require=extras,
    python_requires='>=' + min_python,
    zip_safe=False,
    entry_points={'console_scripts': scripts, 'nbdev': [f'{cfg["lib_path"]}={cfg["lib_path"]}._modidx:d']},
)
