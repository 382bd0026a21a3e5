"""The run folder: where each stage reads and writes, and how long it took.

Layout of ``outputs/<run>/``::

    tables/      public CSV tables (lines.csv, topics.csv, documents.csv, ...)
    figures/     PNG figures
    notebooks/   the executed notebooks
    work/        intermediate tables (Parquet) and arrays passed between notebooks
    report.html  the rendered report
    manifest.json
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd


class RunFolder:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        for sub in ("tables", "figures", "notebooks", "work"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    # paths
    def table(self, name: str) -> Path:
        return self.root / "tables" / name

    def figure(self, name: str) -> Path:
        return self.root / "figures" / name

    def work(self, name: str) -> Path:
        return self.root / "work" / name

    # intermediate tables and arrays
    def save_frame(self, df: pd.DataFrame, name: str) -> None:
        df.to_parquet(self.work(f"{name}.parquet"), index=False)

    def load_frame(self, name: str) -> pd.DataFrame:
        path = self.work(f"{name}.parquet")
        if not path.exists():
            raise FileNotFoundError(f"{path}: missing; run the earlier notebooks of this run first")
        return pd.read_parquet(path)

    def save_array(self, array: np.ndarray, name: str) -> None:
        np.save(self.work(f"{name}.npy"), array)

    def load_array(self, name: str) -> np.ndarray:
        return np.load(self.work(f"{name}.npy"))

    def save_json(self, data, name: str) -> None:
        self.work(f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), "utf-8")

    def load_json(self, name: str, default=None):
        path = self.work(f"{name}.json")
        return json.loads(path.read_text("utf-8")) if path.exists() else default

    # public CSV tables: stable bytes for the same content
    def write_csv(self, df: pd.DataFrame, name: str) -> Path:
        path = self.table(name)
        df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        return path

    # stage timings
    @contextmanager
    def stage(self, name: str):
        """Time a stage and append it to ``work/timings.json`` with the process's peak memory
        so far (each notebook runs in its own kernel process)."""
        import resource

        start = time.perf_counter()
        try:
            yield
        finally:
            timings = self.load_json("timings", default=[])
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            timings.append({"stage": name, "seconds": round(time.perf_counter() - start, 3),
                            "peak_rss_mb": round(peak_mb)})
            self.save_json(timings, "timings")
