#!/usr/bin/env python3
"""Write README.md from nbs/index.ipynb (nbdev_readme needs Quarto, which is not available here).

Markdown cells are copied (links relative to nbs/ rewritten for the repository root); code cells become ```python blocks followed by their saved text outputs;
cells marked `#| hide` are dropped, `#| echo: false` cells show only their output, `#|` lines are removed. `--check` exits 1 if README.md is stale.
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = '<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n'

def directives(src: str) -> list:
    "The `#| ...` directive lines at the top of a code cell."
    return [l for l in src.splitlines() if l.startswith('#|')]

def outputs_md(outs: list) -> str:
    "A cell's outputs as markdown: consecutive text in one code block, Markdown results as they are, images and HTML dropped."
    parts, text = [], ''
    def flush():
        if text.strip(): parts.append(f'```\n{text.rstrip()}\n```\n')
        return ''
    for out in outs:
        data = out.get('data', {})
        if out['output_type'] == 'stream': text += ''.join(out['text'])
        elif 'text/markdown' in data: text = flush(); parts.append(''.join(data['text/markdown']).strip() + '\n')
        else: text += ''.join(data.get('text/plain', ''))
    flush()
    return '\n'.join(parts)

def from_root(md: str) -> str:
    "Relative links of `nbs/index.ipynb` (`01_data.ipynb`, `exercises`) as seen from the repository root, where README.md lives."
    return re.sub(r'\]\((?![a-z]+:|#|/)([^)\s]+)\)', r'](nbs/\1)', md)

def cell_md(cell: dict) -> str:
    "One cell as markdown."
    src = ''.join(cell['source'])
    if cell['cell_type'] == 'markdown': return from_root(src.strip()) + '\n'
    if cell['cell_type'] != 'code' or any('hide' in d for d in directives(src)): return ''
    code = '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()
    outs = outputs_md(cell.get('outputs', []))
    if any(d.replace(' ', '') == '#|echo:false' for d in directives(src)): return outs   # output only
    if not code: return ''
    return f'```python\n{code}\n```\n' + (f'\n{outs}' if outs else '')

def render(nb_path: Path) -> str:
    "README text for the notebook at `nb_path`."
    cells = json.loads(nb_path.read_text(encoding='utf-8'))['cells']
    return HEADER + '\n'.join(m for m in map(cell_md, cells) if m)

def main(argv: list) -> int:
    text, readme = render(ROOT/'nbs'/'index.ipynb'), ROOT/'README.md'
    if '--check' in argv:
        if readme.exists() and readme.read_text(encoding='utf-8') == text: print('README.md is up to date'); return 0
        print('README.md is stale: run `.venv/bin/python tools/make_readme.py` and commit it', file=sys.stderr); return 1
    readme.write_text(text, encoding='utf-8'); print(f'wrote {readme}')
    return 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
