"""Real file permissions for the data code (issue 12, item 8), as a user who is not root.

An unreadable --data folder, an unreadable data file and a read-only cache folder must each end `minibackprop train`
with exit status 1 and one line `minibackprop train: error: ...` that names the file or folder and says
"permission denied", never a traceback, never "truncated", never advice to delete a file.

Run from the repository root:  .venv/bin/python .ci/tests/data_permissions.py
As root it imports everything, then runs the checks in a child process that drops to uid/gid 65534 (nobody), because
root reads any file; as any other user it runs them as that user. No download is attempted (a proxy on 127.0.0.1:9
makes any try fail at once). Exit status 0 when all pass.
"""
import contextlib, io, os, shutil, sys, tempfile
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from minibackprop.cli import main   # imports torch and the data code while we may still read everything
import torch, minibackprop.data, minibackprop.learner, minibackprop.losses  # noqa: F401 (even if main imports lazily)

tmp = Path(tempfile.mkdtemp(prefix='data_permissions.'))
os.chmod(tmp, 0o755)
no_dir, no_file, ro_cache, ro_xdg = tmp/'no_dir', tmp/'no_file', tmp/'ro_xdg'/'minibackprop', tmp/'ro_xdg2'
for d in (no_dir, no_file, ro_cache, ro_xdg): d.mkdir(parents=True)
(no_dir/'mnist.pkl.gz').write_bytes(b'x'); (no_file/'mnist.pkl.gz').write_bytes(b'x')
os.chmod(no_dir, 0o000); os.chmod(no_file/'mnist.pkl.gz', 0o000)
for d in (ro_cache, ro_xdg): os.chmod(d, 0o555)

def train(*args, env=None):
    "Exit status and stderr of `minibackprop train --epochs 1 *args` with `env` added to the environment."
    err, old = io.StringIO(), dict(os.environ)
    os.environ.pop('MINIBACKPROP_DATA', None)
    os.environ.update({'http_proxy': 'http://127.0.0.1:9', 'https_proxy': 'http://127.0.0.1:9', **(env or {})})
    try:
        with contextlib.redirect_stderr(err): rc = main(['train', '--epochs', '1', '--quiet', *args])
    finally: os.environ.clear(); os.environ.update(old)
    return rc, err.getvalue()

def check() -> int:
    "Run the cases, print one line each; the number that failed."
    cases = [('unreadable --data folder', train('--data', str(no_dir)), no_dir),
             ('unreadable data file', train('--data', str(no_file/'mnist.pkl.gz')), no_file/'mnist.pkl.gz'),
             ('unreadable folder in $MINIBACKPROP_DATA', train(env={'MINIBACKPROP_DATA': str(no_dir)}), no_dir),
             ('read-only cache folder', train(env={'XDG_CACHE_HOME': str(ro_cache.parent)}), ro_cache),
             ('read-only folder for the cache', train(env={'XDG_CACHE_HOME': str(ro_xdg)}), ro_xdg)]
    failed = 0
    for name, (rc, err), path in cases:
        lines = err.strip().splitlines()
        ok = (rc == 1 and len(lines) == 1 and lines[0].startswith('minibackprop train: error: ') and str(path) in lines[0]
              and 'permission denied' in lines[0] and 'truncated' not in lines[0] and 'Delete' not in lines[0])
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {rc}: {err.strip()}")
    print(f'{len(cases) - failed} of {len(cases)} permission cases passed (as uid {os.geteuid()})')
    return failed

# main imports the option parser and more only when it runs: run it once as root first (a path that does not exist),
# so that nothing is left to import after dropping to a user who cannot read this Python's own files
with contextlib.redirect_stderr(io.StringIO()): main(['train', '--epochs', '1', '--quiet', '--data', str(tmp/'missing')])

try:
    if os.geteuid() != 0: failed = check()
    elif (pid := os.fork()) == 0:                      # the child: drop root, check, report through the exit status
        try: os.setgid(65534); os.setuid(65534); status = 1 if check() else 0
        except BaseException as e: print(f'FAIL: {type(e).__name__}: {e}'); status = 2
        sys.stdout.flush(); sys.stderr.flush(); os._exit(status)
    else: failed = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
finally:
    os.chmod(no_dir, 0o755)
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if failed else 0)
