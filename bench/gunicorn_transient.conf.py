"""gateway/gunicorn.conf.py, plus transient RPC requests (bench/transient_rpc.py).

Only for bench/investigate_home.py: the master applies the patch before it
forks the workers, so every worker's RpcClientPool uses it.
"""
from pathlib import Path

_here = Path(__file__).resolve().parent
exec(compile((_here.parent / "gateway" / "gunicorn.conf.py").read_text(),
             "gateway/gunicorn.conf.py", "exec"))

from bench.transient_rpc import patch_client_pool  # noqa: E402

patch_client_pool()
