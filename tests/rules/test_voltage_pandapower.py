"""Cross-check of the Annex 4 voltage study against pandapower on generated feeders."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

pytest.importorskip("pandapower", reason="pandapower absent : contre-vérification ignorée")

from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.voltage import feeder_model, solve_chain, voltage_study
from tests.rules.feeders import random_study
from tests.rules.pandapower_chain import PandapowerChain

FEEDERS = 20


@pytest.mark.parametrize("seed", range(FEEDERS))
def test_max_voltages_agree_with_pandapower_within_half_a_volt(seed: int) -> None:
    study = random_study(np.random.default_rng(1000 + seed))
    model = feeder_model(P, study)
    result = voltage_study(P, study=study)
    existing = model.existing_nodes
    chain = PandapowerChain(model)
    solved = {}
    for name in ("without", "before", "after"):
        loads = getattr(model, f"loads_{name}")
        ours = solve_chain(model.source_v, model.branches, loads)
        solved[name] = chain.solve(loads)
        assert np.max(np.abs(np.subtract(ours, solved[name]))) < 0.01
    half = Decimal("0.5")
    assert (
        abs(result.max_without_producers_v - Decimal(repr(max(solved["without"][:existing]))))
        < half
    )
    assert abs(result.max_before_v - Decimal(repr(max(solved["before"][:existing])))) < half
    assert abs(result.max_after_v - Decimal(repr(max(solved["after"])))) < half
    at_connection = solved["after"][model.connection_node]
    assert abs(result.connection_point_v - Decimal(repr(at_connection))) < half
