"""The corpus layer: from raw files to lines and paragraphs, nothing deleted.

``load`` (files, folders, JSON lines, CSV, Parquet; one line per problem) -> ``segment``
(lines, then paragraphs) -> ``clean`` (labels chrome, repeats, related blocks) with
``normalize``'s small ``str -> str`` normalizers composed where text is compared.
Depends on ``toolkit.schema`` and ``toolkit.errors`` only.
"""
