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
  ``add_delay``, ``is_working_day``, ``cacsi_may_commission``, ``cacsi_commissioning`` (the
  one reading of the CACSI 15-day rule), ``offer_lapsed``.

Path, technical consequences and document plan (decisions in ``docs/rules/document-plan.md``):

- ``inputs``: ``ConnectionRequest`` (requester's declarations), ``StudyFacts`` (the DSO's
  findings, ``None`` = not decided), ``Confirmation(group, block_id, by)`` and the enums.
- ``classification``: ``orientation_route(*, service_type, usage, bucket) -> OrientationRoute``;
  ``classify_request(*, request, params) -> Classification`` (CACSI / small producer / BT
  36-250 / not online, reason in French; validates the request, ``RulesError`` otherwise);
  ``connection_works(*, request, extension_needed, params) -> ConnectionWorks`` (§ 3.3);
  ``export_limitation(*, request, params) -> ExportLimitation`` (§ 3.1).
- ``reactive``: ``reactive_setpoint(*, request, params) -> ReactiveSetpoint`` (§ 3.2),
  ``reactive_compliant(setpoint, *, active_kw, absorbed_kvar)``, ``cos_phi_of``.
- ``protections``: ``decoupling_protection(*, request, params) -> DecouplingProtection``
  (§ 5.1.2.1), ``accepted_certificate_standards(*, on, params)``,
  ``certificate_standard_accepted(standard, *, on, params) -> bool``.
- ``harmonics``: ``harmonics_standard(*, apparent_kva, phases, on, params)``,
  ``request_harmonics_standard(*, request, params) -> HarmonicsStandard`` (§ 5.4).
- ``metering``: ``metering_plan(*, request, meter_type, params) -> MeteringPlan`` (§ 4.3),
  ``delivery_point(*, request, params) -> DeliveryPoint`` (§ 6), ``sub_variant_for``.
- ``consequences``: ``technical_consequences(*, request, study, params)
  -> TechnicalConsequences`` (all of the above for one dossier).
- ``variants``: ``document_plan(*, request, study, document, params, confirmations=(),
  consequences=None) -> DocumentPlan`` (one ``Decision`` per block group of the CRD / Avenant
  model); ``CATALOGUE``, ``GROUPS``, ``BLOCKS_BY_ID``; ``python -m raccord.rules.variants
  --markdown``.
- ``technical_values``: ``technical_values(params, *, on) -> TechnicalValues`` (every technical
  parameter of ``defaults_technical`` in force on a date, resolved once per date).
"""
