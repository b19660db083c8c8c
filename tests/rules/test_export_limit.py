"""Avenant § 3.1: apparent power not above Pracc_inj + 5 % on a 1-minute sliding mean."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from raccord.rules.errors import RulesError
from raccord.rules.export_limit import export_limit_check, series_read_csv
from raccord.rules.parameters import DEFAULT_PARAMETERS as P

ON = date(2026, 6, 1)
T0 = datetime(2026, 6, 1, 12, 0, 0)


def check(samples: object, pracc: str = "100"):  # type: ignore[no-untyped-def]
    return export_limit_check(P, on=ON, samples_kva=samples, start=T0, pracc_inj_kva=Decimal(pracc))


def test_given_constant_exactly_5_percent_above_then_compliant() -> None:
    report = check(np.full(600, 105.0))
    assert report.compliant
    assert report.limit_kva == Decimal("105.00")
    assert report.evaluated_windows == 541


@pytest.mark.parametrize("pracc", ["36", "37.3", "249.9", "0.7"])
def test_given_values_exactly_at_limit_with_inexact_floats_then_compliant(pracc: str) -> None:
    limit = float(Decimal(pracc) * Decimal("1.05"))
    assert check(np.full(3600, limit), pracc).compliant


def test_given_one_minute_just_above_then_one_window_one_episode() -> None:
    x = np.full(300, 90.0)
    x[100:160] = 105.01
    report = check(x)
    assert len(report.episodes) == 1
    ep = report.episodes[0]
    assert ep.window_count == 1
    assert ep.start == T0 + timedelta(seconds=100)
    assert ep.end == T0 + timedelta(seconds=160)
    assert ep.peak_mean_kva == Decimal("105.010")
    assert ep.peak_window_start == ep.start


def test_given_short_spike_averaged_out_then_compliant() -> None:
    x = np.full(300, 100.0)
    x[50:60] = 130.0  # mean of any window <= 100 + 10 * 30 / 60 = 105
    assert check(x).compliant
    x[50:61] = 130.0
    assert not check(x).compliant


def test_given_two_separate_excursions_then_two_episodes_with_peaks() -> None:
    x = np.full(1000, 50.0)
    x[100:200] = 120.0
    x[500:700] = 110.0
    x[600] = 200.0
    report = check(x)
    assert report.episodes[0].start < report.episodes[1].start
    first, second = report.episodes
    # windows whose mean > 105: 120*k + 50*(60-k) > 6300 -> k >= 48
    assert first.start == T0 + timedelta(seconds=100 - 60 + 48)
    assert first.end == T0 + timedelta(seconds=200 - 48 + 60)
    assert first.peak_mean_kva == Decimal("120.000")
    assert second.peak_mean_kva == Decimal("111.500")


def test_given_missing_samples_then_windows_containing_them_are_skipped() -> None:
    x = np.full(200, 150.0)
    x[100] = np.nan
    report = check(x)
    assert report.missing_samples == 1
    assert report.skipped_windows == 60
    assert report.evaluated_windows == 141 - 60
    assert len(report.episodes) == 2
    assert report.episodes[0].end == T0 + timedelta(seconds=100)
    assert report.episodes[1].start == T0 + timedelta(seconds=101)


def test_given_series_shorter_than_a_window_then_nothing_evaluated() -> None:
    report = check(np.full(59, 500.0))
    assert report.compliant and report.evaluated_windows == 0


@pytest.mark.parametrize(
    ("samples", "pracc", "field"),
    [
        (np.array([1.0, -1.0]), "100", "samples_kva"),
        (np.array([1.0, np.inf]), "100", "samples_kva"),
        (np.ones((2, 2)), "100", "samples_kva"),
        (np.ones(100), "0", "pracc_inj_kva"),
        (np.ones(100), "-3", "pracc_inj_kva"),
    ],
)
def test_given_bad_input_then_rules_error(samples: object, pracc: str, field: str) -> None:
    with pytest.raises(RulesError) as err:
        check(samples, pracc)
    assert err.value.field == field


def test_matches_naive_sliding_mean_on_random_series() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(80, 115, size=5000)
    x[rng.integers(0, 5000, 20)] = np.nan
    report = check(x)
    naive = [
        i
        for i in range(len(x) - 59)
        if not np.isnan(x[i : i + 60]).any() and x[i : i + 60].mean() > 105 + 1e-9
    ]
    flagged = [
        int((e.start - T0).total_seconds()) + k
        for e in report.episodes
        for k in range(e.window_count)
    ]
    assert flagged == naive


def test_given_csv_with_gap_then_missing_seconds_are_nan(tmp_path: Path) -> None:
    path = tmp_path / "mesures.csv"
    path.write_text(
        "horodatage;puissance_apparente_kva\n"
        "2026-06-01T12:00:00+02:00;100,5\n"
        "2026-06-01T12:00:01+02:00;101\n"
        "2026-06-01T12:00:03+02:00;\n"
        "2026-06-01T12:00:04+02:00;99.5\n",
        encoding="utf-8",
    )
    series = series_read_csv(path)
    assert series.start.isoformat() == "2026-06-01T12:00:00+02:00"
    assert series.samples_kva.size == 5
    assert np.isnan(series.samples_kva[2]) and np.isnan(series.samples_kva[3])
    assert series.samples_kva[0] == 100.5 and series.samples_kva[4] == 99.5
    bad = tmp_path / "bad.csv"
    bad.write_text("t,v\n2026-06-01T12:00:01,1\n2026-06-01T12:00:00,1\n", encoding="utf-8")
    with pytest.raises(RulesError):
        series_read_csv(bad)


@pytest.mark.parametrize("chunk", [1, 7, 59, 60, 97, 1 << 20])
def test_chunked_sums_agree_with_naive_whatever_the_chunk_size(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import raccord.rules.export_limit as module

    monkeypatch.setattr(module, "CHUNK", chunk)
    rng = np.random.default_rng(chunk)
    x = rng.uniform(95, 112, size=700)
    x[rng.integers(0, 700, 6)] = np.nan
    report = check(x)
    naive = [
        i
        for i in range(len(x) - 59)
        if not np.isnan(x[i : i + 60]).any() and x[i : i + 60].mean() > 105 + 1e-9
    ]
    flagged = [
        int((e.start - T0).total_seconds()) + k
        for e in report.episodes
        for k in range(e.window_count)
    ]
    assert flagged == naive
    assert report.missing_samples == int(np.isnan(x).sum())
    skipped = sum(np.isnan(x[i : i + 60]).any() for i in range(len(x) - 59))
    assert report.skipped_windows == skipped
