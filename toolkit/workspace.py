"""The run folder: where each stage reads and writes, and how long it took.

Layout of ``outputs/<run>/``::

    tables/      public CSV tables (lines.csv, topics.csv, documents.csv, ...)
    figures/     PNG figures
    notebooks/   the executed notebooks
    work/        intermediate tables (Parquet) and arrays passed between notebooks; tables
                 made per partition of documents live in work/<table>/part-NNNNN.parquet
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

    def load_frame(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """A table saved whole (``work/NAME.parquet``) or by partition (``work/NAME/part-*.parquet``,
        concatenated in partition order)."""
        path = self.work(f"{name}.parquet")
        if path.exists():
            return pd.read_parquet(path, columns=columns)
        parts = self.part_paths(name)
        if not parts:
            raise FileNotFoundError(f"{path}: missing; run the earlier notebooks of this run first")
        return pd.concat([pd.read_parquet(p, columns=columns) for p in parts], ignore_index=True)

    # partitioned tables and arrays (written by the engine's tasks, see toolkit.pipeline)
    def part(self, name: str, index: int, suffix: str = ".parquet") -> Path:
        return self.work(name) / f"part-{index:05d}{suffix}"

    def part_paths(self, name: str, suffix: str = ".parquet") -> list[Path]:
        folder = self.work(name)
        return sorted(folder.glob(f"part-*{suffix}")) if folder.is_dir() else []

    def save_part(self, df: pd.DataFrame, name: str, index: int) -> None:
        path = self.part(name, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_parquet(path, index=False)

    def load_part(self, name: str, index: int, columns: list[str] | None = None) -> pd.DataFrame:
        return pd.read_parquet(self.part(name, index), columns=columns)

    def save_part_array(self, array: np.ndarray, name: str, index: int) -> None:
        path = self.part(name, index, ".npy")
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, array)

    def load_part_array(self, name: str, index: int) -> np.ndarray:
        return np.load(self.part(name, index, ".npy"))

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
