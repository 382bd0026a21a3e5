"""Persist numba's compiled code between runs.

UMAP's numba functions are compiled in every new process (they are not declared with
``cache=True``), which costs about 9 s of each run on 2 cores: a third of a seed-study
rerun. Before any numba-using library is imported, ``numba.njit``/``numba.jit`` get
``cache=True`` as their default, and compiled code goes to ``data/cache/numba`` (or the
folder in ``NUMBA_CACHE_DIR``). Numba checks each cached entry against its source file, so a
library upgrade recompiles; results are the same machine code either way.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path


def enable(cache_dir: str | Path | None = None) -> None:
    if "numba" in sys.modules and getattr(sys.modules["numba"], "_toolkit_cache", False):
        return
    default = Path(__file__).resolve().parent.parent / "data" / "cache" / "numba"
    if not default.parent.parent.exists():  # installed outside the repository
        default = Path.home() / ".cache" / "arabic-news-toolkit" / "numba"
    os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir or default))
    try:
        import numba
        from numba.core.errors import NumbaWarning
    except ImportError:
        return
    # Functions that cannot be cached (closures over non-constant values) simply compile as
    # before; numba says so with a warning that is noise here.
    warnings.filterwarnings("ignore", category=NumbaWarning)
    plain_njit, plain_jit = numba.njit, numba.jit

    def njit(*args, **kwargs):
        kwargs.setdefault("cache", True)
        return plain_njit(*args, **kwargs)

    def jit(*args, **kwargs):
        kwargs.setdefault("cache", True)
        return plain_jit(*args, **kwargs)

    numba.njit, numba.jit = njit, jit
    numba._toolkit_cache = True
