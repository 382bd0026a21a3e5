"""The word lists, patterns and gazetteer the toolkit reads: data a researcher can edit
(YAML and CSV files in this folder, normalized where they are read)."""

from __future__ import annotations

from pathlib import Path

import yaml

RESOURCES = Path(__file__).resolve().parent


def load_yaml(name: str) -> dict:
    """The YAML file ``name`` of this folder (an empty file reads as ``{}``)."""
    return yaml.safe_load((RESOURCES / name).read_text("utf-8")) or {}
