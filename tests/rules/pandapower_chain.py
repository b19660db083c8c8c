"""Build and solve the Annex 4 equivalent chain with pandapower (tests and bench only)."""

from __future__ import annotations

import logging
import warnings
from typing import Any

from raccord.rules.voltage import FeederModel

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)
logging.getLogger("pandapower").setLevel(logging.ERROR)


class PandapowerChain:
    """The chain as a pandapower network: one bus per node, one line per branch, one load each."""

    def __init__(self, model: FeederModel) -> None:
        import pandapower as pp

        self._pp = pp
        net: Any = pp.create_empty_network()
        buses = [pp.create_bus(net, vn_kv=0.4) for _ in range(len(model.branches) + 1)]
        pp.create_ext_grid(net, buses[0], vm_pu=model.source_v / 400.0, va_degree=0.0)
        for k, branch in enumerate(model.branches):
            pp.create_line_from_parameters(
                net,
                buses[k],
                buses[k + 1],
                length_km=1.0,
                r_ohm_per_km=branch.r_ohm,
                x_ohm_per_km=branch.x_ohm,
                c_nf_per_km=0.0,
                max_i_ka=10.0,
            )
        self.loads = [pp.create_load(net, bus, p_mw=0.0, q_mvar=0.0) for bus in buses[1:]]
        self.net = net

    def solve(self, loads: tuple[tuple[float, float], ...]) -> list[float]:
        """Line-to-line voltages (V) at the end of each branch (Newton-Raphson, flat start)."""
        net = self.net
        for index, (p, q) in zip(self.loads, loads, strict=True):
            net.load.at[index, "p_mw"] = p / 1e6
            net.load.at[index, "q_mvar"] = q / 1e6
        # flat start: the default DC initialisation divides by branch reactances, some are 0
        self._pp.runpp(net, init="flat", tolerance_mva=1e-10, max_iteration=50)
        return [float(v) * 400.0 for v in net.res_bus.vm_pu.values[1:]]
