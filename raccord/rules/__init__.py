"""Raccord's rules core: every decision the seeds encode, in pure Python.

No Django import (enforced by import-linter, see pyproject.toml). Frozen dataclasses in,
frozen dataclasses out; ``Decimal`` for money and power. Every regulatory value comes from a
:class:`~raccord.rules.parameters.ParameterSet` passed in by the caller.
"""
