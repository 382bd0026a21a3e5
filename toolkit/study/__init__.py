"""The study layer: a run from parameters to tables, figures and the report.

``params`` (defaults, files, validation) and ``cli`` start a run; ``report`` executes the
notebooks through papermill into a ``workspace`` run folder; the notebooks call ``pipeline``,
whose per-partition stages run on an ``engine`` (local or Dask); ``figures``, ``interactive``
and ``narrate`` present what the run found.
"""
