"""Packaging for minibackprop, driven by nbdev 2's `settings.ini` (no `pkg_resources`)."""
from configparser import ConfigParser
from pathlib import Path
import setuptools
from setuptools.command.build_py import build_py

here = Path(__file__).parent
cfg = ConfigParser(delimiters=['='])
cfg.read(here/'settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

licenses = {'apache2': 'Apache-2.0'}   # SPDX expressions
statuses = ['Planning', 'Pre-Alpha', 'Alpha', 'Beta', 'Production/Stable', 'Mature', 'Inactive']
py_versions = '3.9 3.10 3.11 3.12 3.13'.split()
min_python = cfg['min_python']

requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
console_scripts = cfg.get('console_scripts', '').split()

class BuildPyWithExercises(build_py):
    "Also copy the blank exercise notebooks, nbs/exercises/NN_*.ipynb (their only source), into the package's exercise_nbs/."
    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False): return      # an editable install finds them in nbs/exercises
        nbs = sorted((here/'nbs'/'exercises').glob('[0-9][0-9]_*.ipynb'))
        if not nbs: raise FileNotFoundError(f"no exercise notebooks in {here/'nbs'/'exercises'}")
        dest = Path(self.build_lib)/cfg['lib_path']/'exercise_nbs'
        self.mkpath(str(dest))
        for nb in nbs: self.copy_file(str(nb), str(dest/nb.name))

setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    description=cfg['description'],
    long_description=(here/'README.md').read_text(encoding='utf-8') if (here/'README.md').exists() else '',
    long_description_content_type='text/markdown',
    license=licenses[cfg['license']],
    license_files=['LICENSE'],
    author=cfg['author'],
    author_email=cfg['author_email'],
    url=cfg['git_url'],
    keywords=cfg['keywords'],
    classifiers=[
        'Development Status :: ' + str(int(cfg['status']) + 1) + ' - ' + statuses[int(cfg['status'])],
        'Intended Audience :: ' + cfg['audience'].title(),
        'Natural Language :: ' + cfg['language'].title(),
    ] + ['Programming Language :: Python :: ' + v for v in py_versions[py_versions.index(min_python):]],
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True,
    python_requires='>=' + min_python,
    install_requires=requirements,
    extras_require={'dev': dev_requirements},
    entry_points={'console_scripts': console_scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    zip_safe=False,
    cmdclass={'build_py': BuildPyWithExercises},
)
