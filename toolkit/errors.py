"""Errors that come from the input or the parameters, reported as one line by the CLI.

Kept in a module of their own so that the command line can catch them without importing
the heavy stages (torch, BERTopic) first.
"""


class ToolkitError(ValueError):
    """Base class: a problem with the input, a parameter or a run, with a one-line message."""


class CorpusError(ToolkitError):
    """The corpus cannot be read; the message names the file and the problem."""


class ColumnMappingError(CorpusError):
    """A table's columns do not fit the mapping (no text column, duplicate ids): the whole
    corpus is read wrongly, so this stops a run even where one bad file would be skipped."""


class ParameterError(ToolkitError):
    """A parameter has the wrong type or value."""


class EmbeddingError(ToolkitError):
    """The embedding backend cannot be loaded offline."""


class StudyError(ToolkitError):
    """A notebook failed; the message names the notebook and the cell."""
