#!/usr/bin/env python3
"""Check that a notebook's graphs render in JupyterLab: Run All in JupyterLab, in headless Chromium, then screenshots.

Not part of CI: it needs Chromium (`apt-get install -y chromium`). It checks what a learner sees. It starts
`jupyter lab` on localhost with a token, with a copy of each notebook (so that nothing is saved into `nbs/`), and
opens it in headless Chromium, driven through the DevTools protocol (`websocket-client`, which Jupyter's server
already installs). JupyterLab runs the notebook itself (*Run → Run All Cells*, through `window.jupyterapp`) in a
fresh kernel. The script then fails if any cell raised or if the pictures are missing: it counts the SVG outputs
the page shows and the frames of the JavaScript player. Last, it scrolls each cell that shows a graph into view and
saves a screenshot, `<notebook>-<cell>.png`, in `--out`, for a person to look at. With `--all` it screenshots every
`--step`-th cell instead, the whole notebook as a learner scrolls through it. It always fails on a cell whose output
or code is wider than the notebook (a horizontal scrollbar). It refuses to run if Graphviz is installed, since the
point is to show the graph without it.

    python tools/jupyterlab_screenshot.py                            # nbs/03_forward.ipynb, PNGs in /tmp/jupyterlab_check
    python tools/jupyterlab_screenshot.py nbs/12_confusions.ipynb --out /tmp/shots
    python tools/jupyterlab_screenshot.py nbs/07_training.ipynb --all --step 3   # the whole notebook, 3 cells a shot
"""
import argparse, base64, importlib.util, json, os, secrets, shutil, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path
import websocket

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--window-size=1500,1100', '--force-device-scale-factor=1']

def free_port() -> int:
    "A TCP port nobody on localhost listens on."
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def wait_for(check, what: str, timeout: float, every: float=0.5):
    "Call `check()` until it returns something truthy, and return that; raise naming `what` after `timeout` seconds."
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            if (r := check()): return r
        except (OSError, websocket.WebSocketException): pass
        time.sleep(every)
    raise TimeoutError(f'gave up after {timeout:.0f}s waiting for {what}')

class Page:
    "One Chromium tab, driven through the DevTools protocol."
    def __init__(self, ws_url: str): self.ws, self.n = websocket.create_connection(ws_url, timeout=120, suppress_origin=True), 0
    def call(self, method: str, **params) -> dict:
        self.n += 1
        self.ws.send(json.dumps(dict(id=self.n, method=method, params=params)))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('id') == self.n:
                if 'error' in msg: raise RuntimeError(f'{method}: {msg["error"]}')
                return msg['result']
    def js(self, expr: str):
        "The value of the JavaScript expression `expr` (awaited if it is a promise), or an error naming the exception."
        r = self.call('Runtime.evaluate', expression=expr, awaitPromise=True, returnByValue=True)
        if 'exceptionDetails' in r: raise RuntimeError(f'JavaScript failed: {r["exceptionDetails"].get("exception", {}).get("description", r["exceptionDetails"])}')
        return r['result'].get('value')
    def screenshot(self, path: Path):
        path.write_bytes(base64.b64decode(self.call('Page.captureScreenshot', format='png')['data']))

# JavaScript run in the page. NB stands for the notebook's panel, found by its file name (headless Chromium has no
# focus, so JupyterLab's "current widget" is not to be relied on); CODE for its code cells that hold code.
NB = "[...jupyterapp.shell.widgets('main')].find(w => w.context?.path === PATH)"
CODE = "[...NB.content.model.cells].filter(c => c.type === 'code' && c.sharedModel.source.trim())"
STATE = """(() => { if (typeof jupyterapp === 'undefined') return 'loading';
  const nb = NB; if (!nb || !nb.content || !nb.sessionContext.session?.kernel) return 'opening';
  if (CODE.some(c => c.outputs.toJSON().some(o => o.output_type === 'error'))) return 'error';
  if (nb.sessionContext.session.kernel.status !== 'idle') return 'busy';
  return CODE.some(c => c.executionCount === null) ? 'pending' : 'idle'; })()"""
RUN_ALL = """(async () => { jupyterapp.shell.activateById(NB.id); await jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
  jupyterapp.commands.execute('notebook:run-all-cells'); return true; })()"""                  # started, not awaited
CELLS = """[...NB.content.model.cells].map((c, i) => { const outs = c.type === 'code' ? c.outputs.toJSON() : [];
  return {i, errors: outs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
          svg: outs.some(o => 'image/svg+xml' in (o.data || {})),
          player: outs.some(o => String((o.data || {})['text/html'] || '').includes('class="animation"'))}; })"""
SCROLL = "NB.content.scrollToItem(INDEX, 'start')"
WIDE = """[...NB.content.widgets].map((w, i) => [i, [...w.node.querySelectorAll('.jp-OutputArea-output, .jp-InputArea-editor .cm-scroller')]
  .filter(e => e.scrollWidth > e.clientWidth + 2).length]).filter(x => x[1]).map(x => x[0])"""
STEP = """(() => { const cell = NB.content.widgets[INDEX].node, click = f => cell.querySelector(`button[onclick*="${f}"]`)?.click();
  click('pause_animation'); click('first_frame'); click('next_frame'); click('next_frame'); })()"""     # the player: stop, go to frame 2
SHOWN = """(() => { const cell = NB.content.widgets[INDEX].node, r = e => e.getBoundingClientRect();
  const pics = [...cell.querySelectorAll('.jp-RenderedSVG img, .jp-RenderedSVG svg')]
    .filter(e => r(e).width > 100 && r(e).bottom > 0 && r(e).top < innerHeight);
  const frame = cell.querySelector('.animation img');
  return {pictures: pics.length, frame: frame ? (frame.src || '').slice(0, 26) : null}; })()"""

def js(template: str, name: str, index: int=0) -> str:
    "`template` for the notebook `name` (and cell `index`)."
    return template.replace('CODE', CODE).replace('NB', NB).replace('PATH', json.dumps(name)).replace('INDEX', str(index))

def check(nb_path: Path, out: Path, page: Page, lab_url: str, token: str, timeout: float, every: int=0) -> list:
    "Run All of `nb_path` in JupyterLab; return a list of problems, and save the screenshots of its graph cells in `out`."
    name = nb_path.name
    page.call('Page.navigate', url=f'{lab_url}/lab/tree/{name}?token={token}')
    wait_for(lambda: page.js(js(STATE, name)) in ('pending', 'idle'), f'JupyterLab to open {name} and start its kernel', 120)
    page.js(js(RUN_ALL, name))
    t0 = time.time()
    wait_for(lambda: page.js(js(STATE, name)) in ('idle', 'error'), f'Run All of {name} to finish', timeout, every=1)
    print(f'{name}: Run All in JupyterLab took {time.time() - t0:.0f}s')
    cells = page.js(js(CELLS, name))
    problems = [f'{name} cell {c["i"]}: {e}' for c in cells for e in c['errors']]
    problems += [f'{name} cell {i}: wider than the notebook (a horizontal scrollbar)' for i in page.js(js(WIDE, name))]
    if every:                                                      # --all: the whole notebook, `every` cells a shot
        for i in range(0, len(cells), every):
            page.js(js(SCROLL, name, i)); time.sleep(1.0); page.screenshot(out/f"{nb_path.stem}-{i:02d}.png")
        return problems
    shown = [c for c in cells if c['svg'] or c['player']]
    if not shown: problems.append(f'{name}: no cell shows an SVG picture or a player')
    for c in shown:
        page.js(js(SCROLL, name, c['i']))
        time.sleep(1.5)                                            # let the pictures load and the player show a frame
        if c['player']: page.js(js(STEP, name, c['i'])); time.sleep(0.5)
        seen = page.js(js(SHOWN, name, c['i']))
        print(f"  cell {c['i']}: {seen['pictures']} SVG picture(s) on screen" + (f", player frame {seen['frame']}..." if c['player'] else ''))
        if c['player'] and not (seen['frame'] or '').startswith('data:image/'):
            problems.append(f"{name} cell {c['i']}: the JavaScript player shows no frame")
        if c['svg'] and not seen['pictures']: problems.append(f"{name} cell {c['i']}: its SVG output is not on screen")
        page.screenshot(out/f"{nb_path.stem}-{c['i']}.png")
    return problems

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', default=['nbs/03_forward.ipynb'], help='notebooks to check (default: nbs/03_forward.ipynb)')
    p.add_argument('--out', default='/tmp/jupyterlab_check', help='folder for the screenshots')
    p.add_argument('--chromium', default=shutil.which('chromium') or '/usr/bin/chromium', help='the Chromium binary')
    p.add_argument('--timeout', type=float, default=300, help='seconds allowed for Run All of one notebook')
    p.add_argument('--all', action='store_true', help='screenshot the whole notebook, not only the cells with graphs')
    p.add_argument('--step', type=int, default=3, help='with --all: cells per screenshot')
    args = p.parse_args(argv)
    if shutil.which('dot') or importlib.util.find_spec('graphviz'):
        print('Graphviz is installed: this check shows the graphs render without it; run it where Graphviz is absent'); return 2
    if not Path(args.chromium).exists(): print(f'no Chromium at {args.chromium}: apt-get install -y chromium'); return 2
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    (ROOT/'_proc').mkdir(exist_ok=True)                  # in the project (the notebooks' nbdev_export cell needs it), ignored by git
    work, profile = Path(tempfile.mkdtemp(prefix='jupyterlab_check_', dir=ROOT/'_proc')), Path(tempfile.mkdtemp(prefix='chromium_'))
    settings = profile/'lab-settings'/'@jupyterlab'/'apputils-extension'               # a fresh JupyterLab: no news pop-up
    settings.mkdir(parents=True); (settings/'notification.jupyterlab-settings').write_text('{"fetchNews": "false"}')
    nbs = [Path(n).resolve() for n in args.notebooks]
    for n in nbs: shutil.copy(n, work/n.name)
    token, port = secrets.token_hex(16), free_port()
    lab = subprocess.Popen([sys.executable, '-m', 'jupyter', 'lab', '--no-browser', f'--port={port}', '--ip=127.0.0.1',
                            f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={work}', '--expose-app-in-browser',
                            *(['--allow-root'] if os.geteuid() == 0 else [])],
                           stdout=subprocess.DEVNULL, stderr=open(out/'jupyterlab.log', 'w'),
                           env={**{k: v for k, v in os.environ.items() if k not in ('MPLBACKEND', 'IN_TEST')},   # as a learner's kernel
                                'JUPYTERLAB_SETTINGS_DIR': str(profile/'lab-settings'), 'JUPYTERLAB_WORKSPACES_DIR': str(profile/'lab-workspaces')})
    chrome = None
    try:
        lab_url = f'http://127.0.0.1:{port}'
        def lab_up():
            if lab.poll() is not None: raise RuntimeError(f'jupyter lab exited with status {lab.returncode}: see {out/"jupyterlab.log"}')
            return urllib.request.urlopen(f'{lab_url}/api/status?token={token}', timeout=2).status == 200
        wait_for(lab_up, 'jupyter lab to start', 60)
        chrome = subprocess.Popen([args.chromium, *CHROMIUM_FLAGS, f'--user-data-dir={profile}', '--remote-debugging-port=0', 'about:blank'],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dt_port = wait_for(lambda: (profile/'DevToolsActivePort').exists() and (profile/'DevToolsActivePort').read_text().split()[0], 'Chromium to start', 60)
        tabs = wait_for(lambda: [t for t in json.load(urllib.request.urlopen(f'http://127.0.0.1:{dt_port}/json/list')) if t['type'] == 'page'], 'a Chromium tab', 30)
        page = Page(tabs[0]['webSocketDebuggerUrl'])
        page.call('Emulation.setFocusEmulationEnabled', enabled=True)    # so that JupyterLab's commands see an active notebook
        problems = []
        for n in nbs:
            try: problems += check(work/n.name, out, page, lab_url, token, args.timeout, args.step if args.all else 0)
            except TimeoutError as e:                              # show what the page showed when it got stuck
                page.screenshot(out/f'{n.stem}-stuck.png')
                problems.append(f'{n.name}: {e} (the page said {page.js(js(STATE, n.name))!r}; see {out/(n.stem + "-stuck.png")})')
    finally:
        for proc in (chrome, lab):
            if proc: proc.terminate(); proc.wait(30)
        shutil.rmtree(work, ignore_errors=True); shutil.rmtree(profile, ignore_errors=True)
    for pr in problems: print('PROBLEM', pr)
    print(f'screenshots in {out}: ' + ', '.join(sorted(f.name for f in out.glob('*.png'))))
    print('ok: the graphs render in JupyterLab' if not problems else f'{len(problems)} problem(s)')
    return 1 if problems else 0

if __name__ == '__main__': sys.exit(main())
