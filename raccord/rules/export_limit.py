"""Export-limit compliance of the dynamic limitation (Avenant § 3.1).

« Le dispositif de bridage doit alors garantir que la puissance apparente injectée sur le réseau
ne dépasse pas de plus de 5 % la Pracc_inj_BT en moyenne sur 1 minute glissante. »

Model (see ``docs/rules/models.md``): 1-second samples of apparent injected power in kVA;
the window is ``export_limit.window_s`` samples (60); window ``i`` covers samples
``i … i + 59`` i.e. ``[start + i s, start + i + 60 s)``; it violates the rule when its mean is
strictly above ``Pracc_inj * (1 + export_limit.tolerance)`` by more than a numerical tolerance
of 1e-9 kVA (exactly 5 % above is compliant). A window containing a missing sample (NaN) is not
evaluated (neither compliant nor violating) and is counted in ``skipped_windows``. Consecutive
violating windows form one episode, reported with its start, end and peak 1-minute mean.

The sliding sums use float64 cumulative sums restarted every ``CHUNK`` samples, so magnitudes
stay small (no drift over a year) and memory stays bounded.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt

from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.parameters import ParameterSet

CHUNK = 1 << 20
NUMERICAL_TOLERANCE_KVA = 1e-9
FloatArray = npt.NDArray[np.float64]


@fast_init
@dataclass(frozen=True, slots=True)
class ExportEpisode:
    """Consecutive violating windows: from the first window's start to the last one's end."""

    start: datetime
    end: datetime
    peak_mean_kva: Decimal
    peak_window_start: datetime
    window_count: int


@fast_init
@dataclass(frozen=True, slots=True)
class ExportLimitReport:
    """Result of :func:`export_limit_check`."""

    pracc_inj_kva: Decimal
    limit_kva: Decimal
    window_s: int
    sample_count: int
    missing_samples: int
    evaluated_windows: int
    skipped_windows: int
    episodes: tuple[ExportEpisode, ...]

    @property
    def compliant(self) -> bool:
        return not self.episodes


def _validate(values: FloatArray) -> None:
    if values.size and (float(values.min()) < 0 or float(values.max()) == np.inf):
        raise RulesError(
            "samples_kva", "Les mesures doivent être des puissances apparentes positives ou nulles."
        )


def _window_sums(x: FloatArray, start: int, stop: int, window: int) -> FloatArray:
    """Sums of windows starting at ``start … stop - 1`` (x has no NaN in that range)."""
    segment = x[start : stop + window - 1]
    cs = np.empty(segment.size + 1)
    cs[0] = 0.0
    np.cumsum(segment, out=cs[1:])
    result: FloatArray = cs[window:] - cs[:-window]
    return result


def export_limit_check(
    params: ParameterSet,
    *,
    on: date,
    samples_kva: npt.ArrayLike,
    start: datetime,
    pracc_inj_kva: Decimal,
) -> ExportLimitReport:
    """Check the § 3.1 dynamic-limitation rule on 1-second apparent-power samples.

    ``samples_kva``: apparent power injected, kVA, one sample per second from ``start``; NaN
    marks a missing sample. ``on`` selects the tolerance and window parameters. Raises
    :class:`RulesError` for a non-positive Pracc_inj, negative or infinite samples, or a
    non-1-D series.
    """
    if not pracc_inj_kva.is_finite() or pracc_inj_kva <= 0:
        raise RulesError(
            "pracc_inj_kva", "La puissance de raccordement en injection doit être positive."
        )
    tolerance = params.decimal("export_limit.tolerance", on=on)
    window = params.integer("export_limit.window_s", on=on)
    if window < 1:
        raise RulesError("export_limit.window_s", "La durée de la fenêtre doit être positive.")
    if tolerance < 0:
        raise RulesError("export_limit.tolerance", "La tolérance ne peut pas être négative.")
    x = np.asarray(samples_kva, dtype=np.float64)
    if x.ndim != 1:
        raise RulesError("samples_kva", "La série de mesures doit être une suite de valeurs.")
    limit = pracc_inj_kva * (1 + tolerance)
    n = int(x.size)
    n_windows = max(n - window + 1, 0)
    threshold = (float(limit) + NUMERICAL_TOLERANCE_KVA) * window
    violating = np.zeros(n_windows, dtype=bool)
    missing = 0
    skipped = 0
    if n_windows == 0:
        missing = int(np.count_nonzero(np.isnan(x)))
        _validate(np.where(np.isnan(x), 0.0, x))
    for s in range(0, n_windows, CHUNK):
        e = min(s + CHUNK, n_windows)
        # samples of this chunk's windows; the first window - 1 overlap samples were counted
        # (missing, validation) by the previous chunk.
        segment = x[s : e + window - 1]
        own = segment if s == 0 else segment[window - 1 :]
        nan_mask = np.isnan(segment)
        has_nan: npt.NDArray[np.bool_] | None = None
        if nan_mask.any():
            missing += int(np.count_nonzero(nan_mask if s == 0 else nan_mask[window - 1 :]))
            segment = np.where(nan_mask, 0.0, segment)
            own = segment if s == 0 else segment[window - 1 :]
            counts = np.concatenate(([0], np.cumsum(nan_mask, dtype=np.int64)))
            has_nan = (counts[window:] - counts[:-window]) > 0
            skipped += int(np.count_nonzero(has_nan))
        _validate(own)
        chunk = _window_sums(segment, 0, e - s, window) > threshold
        if has_nan is not None:
            chunk &= ~has_nan
        violating[s:e] = chunk
    episodes = _episodes(x, violating, window, start)
    return ExportLimitReport(
        pracc_inj_kva=pracc_inj_kva,
        limit_kva=limit,
        window_s=window,
        sample_count=n,
        missing_samples=missing,
        evaluated_windows=n_windows - skipped,
        skipped_windows=skipped,
        episodes=episodes,
    )


def _episodes(
    x: FloatArray, violating: npt.NDArray[np.bool_], window: int, start: datetime
) -> tuple[ExportEpisode, ...]:
    if not violating.any():
        return ()
    edges = np.diff(violating.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    firsts = np.flatnonzero(edges == 1)
    lasts = np.flatnonzero(edges == -1) - 1
    episodes = []
    for first, last in zip(firsts.tolist(), lasts.tolist(), strict=True):
        sums = _window_sums(x, first, last + 1, window)
        k = int(np.argmax(sums))
        peak = Decimal(repr(float(sums[k]) / window)).quantize(Decimal("0.001"))
        episodes.append(
            ExportEpisode(
                start=start + timedelta(seconds=first),
                end=start + timedelta(seconds=last + window),
                peak_mean_kva=peak,
                peak_window_start=start + timedelta(seconds=first + k),
                window_count=last - first + 1,
            )
        )
    return tuple(episodes)


@fast_init
@dataclass(frozen=True, slots=True)
class Series:
    """A 1-second series read from CSV: first timestamp and values (NaN for missing seconds)."""

    start: datetime
    samples_kva: FloatArray


def series_read_csv(path: Path) -> Series:
    """Read a measured series for the § 3.1 check from a CSV file.

    Two columns with a header line: ISO 8601 timestamp, apparent power in kVA (decimal point or
    comma; ``;`` or ``,`` separator). Timestamps must be whole seconds, increasing; seconds
    absent from the file become missing samples (NaN).
    """
    with path.open(newline="", encoding="utf-8") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") / 2 else ","
        rows = csv.reader(handle, delimiter=delimiter)
        next(rows, None)
        stamps: list[datetime] = []
        values: list[float] = []
        for lineno, row in enumerate(rows, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2:
                raise RulesError("csv", f"Ligne {lineno} : deux colonnes attendues.")
            try:
                stamps.append(datetime.fromisoformat(row[0].strip()))
                text = row[1].strip().replace(",", ".")
                values.append(float(text) if text else float("nan"))
            except ValueError:
                raise RulesError(
                    "csv", f"Ligne {lineno} : horodatage ou valeur illisible."
                ) from None
    if not stamps:
        raise RulesError("csv", "Le fichier ne contient aucune mesure.")
    first = stamps[0]
    try:
        offsets = [(t - first).total_seconds() for t in stamps]
    except TypeError:
        raise RulesError("csv", "Horodatages avec et sans fuseau horaire mélangés.") from None
    previous = -1.0
    for lineno, offset in enumerate(offsets, start=2):
        if offset != int(offset) or offset <= previous:
            raise RulesError(
                "csv", f"Ligne {lineno} : horodatages croissants à la seconde près attendus."
            )
        previous = offset
    out = np.full(int(offsets[-1]) + 1, np.nan)
    out[np.asarray(offsets, dtype=np.int64)] = np.asarray(values, dtype=np.float64)
    return Series(start=first, samples_kva=out)
