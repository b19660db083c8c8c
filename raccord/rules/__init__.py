"""Raccord's rules core: every decision the seeds encode, in pure Python.

No Django import (enforced by import-linter, see pyproject.toml). Frozen dataclasses in,
frozen dataclasses out; ``Decimal`` for money and power. Every regulatory value comes from a
:class:`~raccord.rules.parameters.ParameterSet` passed in by the caller.

Money, voltage, export limit, clocks (assumptions in ``docs/rules/models.md``):

- ``money``: ``contribution_compute(params, *, request) -> Contribution`` (Avenant § 7.2),
  ``refaction_rate``, ``quote_part_compute``, ``price_lines``, ``mandataire_refaction_payable``,
  ``round_cents``, ``format_eur`` (``1 234,56 €``), ``format_kva``.
- ``voltage``: ``voltage_study(params, *, study) -> VoltageStudy`` (Annex 4 sheet rows and
  verdict), ``feeder_model``, ``solve_chain``.
- ``export_limit``: ``export_limit_check(params, *, on, samples_kva, start, pracc_inj_kva)
  -> ExportLimitReport`` (§ 3.1), ``series_read_csv``.
- ``clocks``: ``deadline_compute(params, *, rule, start, pauses, subdivision) -> Deadline``,
  ``add_delay``, ``is_working_day``, ``cacsi_may_commission``, ``offer_lapsed``.
"""
