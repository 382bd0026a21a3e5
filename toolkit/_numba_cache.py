"""Persist numba's compiled code between runs.

UMAP's numba functions are compiled in every new process (they are not declared with
``cache=True``), which costs about 9 s of each run on 2 cores: a third of a seed-study
rerun. Before any numba-using library is imported, ``numba.njit``/``numba.jit`` get
``cache=True`` as their default, and compiled code goes to ``data/cache/numba`` (or the
folder in ``NUMBA_CACHE_DIR``). Numba checks each cached entry against its source file, so a
library upgrade recompiles; results are the same machine code either way.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import warnings
from pathlib import Path


def enable(cache_dir: str | Path | None = None) -> None:
    """Make ``cache=True`` numba's default now if numba is imported, else when it is: numba
    takes 0.3 s to import, and most of a run's processes (the driving one, two of the three
    notebook kernels) never use it."""
    default = Path(__file__).resolve().parent.parent / "data" / "cache" / "numba"
    if not default.parent.parent.exists():  # installed outside the repository
        default = Path.home() / ".cache" / "arabic-news-toolkit" / "numba"
    os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir or default))
    if "numba" in sys.modules:
        _cache_by_default(sys.modules["numba"])
    elif not any(isinstance(finder, _CacheOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _CacheOnImport())


class _CacheOnImport(importlib.abc.MetaPathFinder):
    """Finds numba as the other finders do and patches it once its ``__init__`` has run,
    before any library's ``numba.njit`` call (those come after ``import numba``)."""

    def find_spec(self, name, path=None, target=None):
        if name != "numba":
            return None
        sys.meta_path.remove(self)  # once, and no recursion into the search below
        spec = importlib.util.find_spec("numba")
        if spec is None or spec.loader is None:
            return spec
        run_module = spec.loader.exec_module

        def run_and_patch(module):
            run_module(module)
            _cache_by_default(module)

        spec.loader.exec_module = run_and_patch
        return spec


def _cache_by_default(numba) -> None:
    if getattr(numba, "_toolkit_cache", False):
        return
    from numba.core.errors import NumbaWarning

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
