"""Around the stages: the one exception family the command line and the plugin turn into a user
message.

Anything else that escapes a stage is a bug and keeps its traceback; a ``DigestError``
is a problem the user can fix, and its message says how, in one line.
"""

from __future__ import annotations


class DigestError(Exception):
    """A problem with the project (config, taxonomy, installation) that stops the build."""


class DependencyError(DigestError):
    """A package or model the build needs cannot be loaded."""
