"""Each summary's quintile and rank among every partnership's areas (METHODS.md §5), and
disclosure control's small counts, which take no part (METHODS.md §6).

Pure: pandas and numpy only, and `outcomes.stats`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats import NO_JUDGEMENT, quintile, quintile_bounds, ranks
from .arrays import _days, _floats, _text


def disclosure_sets(metrics: pd.DataFrame) -> tuple[set[int], set[int]]:
    """The metrics under disclosure control, and the count metrics (whose figure is a count)."""
    if metrics.empty:
        return set(), set()
    ids = metrics["metric_id"].astype(np.int64).to_numpy()
    controlled = (metrics["disclosure_control"].fillna(False).astype(bool).to_numpy()
                  if "disclosure_control" in metrics else np.zeros(len(ids), dtype=bool))
    counts = _text(metrics["unit"]) == "count" if "unit" in metrics else np.zeros(len(ids), bool)
    return set(ids[controlled].tolist()), set(ids[counts].tolist())


def small_counts(metric_id, value, count, disclosed: set[int], counted: set[int]) -> np.ndarray:
    """Which figures disclosure control suppresses (METHODS.md §6): those of a `disclosed`
    metric built on a count of 1 to 4. A count metric's figure is its own count."""
    metric_id = np.asarray(metric_id, dtype=np.int64)
    value, count = _floats(value), _floats(count)
    figure = np.where(np.isnan(count) & np.isin(metric_id, list(counted)), value, count)
    return np.isin(metric_id, list(disclosed)) & (figure >= 1) & (figure <= 4)


def _ranking(metric_id: np.ndarray, latest_end: np.ndarray, latest_label: np.ndarray,
             latest_value: np.ndarray, polarity: list[str], peers: pd.DataFrame | None,
             computed: np.ndarray, disclosed: set[int], counted: set[int]
             ) -> tuple[list[int], list, list]:
    """Quintile, rank and number ranked among every partnership's areas with a value for the
    same metric and period (end and label) (METHODS.md §5); values that disclosure control
    suppresses (NaN here; small counts among the peers) take no part. Peers stand in for the
    partnerships not computed here; the `computed` partnerships (those with observations) are
    never taken from them."""
    n = len(metric_id)
    quintiles: list[int] = [0] * n
    rank: list[int | None] = [None] * n
    rank_of: list[int | None] = [None] * n
    own = ~np.isnan(latest_value)
    frames = [pd.DataFrame({
        "metric_id": metric_id[own].astype(np.int64), "end": latest_end[own],
        "label": latest_label[own], "value": latest_value[own], "group": np.flatnonzero(own),
    })]
    if peers is not None and not peers.empty:
        frames.append(_peer_pool(peers, computed, disclosed, counted))
    pool = pd.concat(frames, ignore_index=True)
    if pool.empty:
        return quintiles, rank, rank_of
    pool = pool.sort_values(["metric_id", "end", "label"], kind="stable")
    metric_of = dict(zip(metric_id.tolist(), polarity, strict=True))
    for (metric, _, _), members in pool.groupby(["metric_id", "end", "label"], sort=False):
        groups = members["group"].to_numpy()
        if not (groups >= 0).any():
            continue
        numbers = members["value"].tolist()
        pol = metric_of.get(metric, NO_JUDGEMENT)
        bounds = quintile_bounds(numbers)
        positions = ranks(numbers, polarity=pol)
        for group, number, position in zip(groups.tolist(), numbers, positions, strict=True):
            if group >= 0:
                quintiles[group] = quintile(number, bounds, polarity=pol)
                rank[group] = position
                rank_of[group] = len(numbers)
    return quintiles, rank, rank_of


def _peer_pool(peers: pd.DataFrame, computed: np.ndarray, disclosed: set[int],
               counted: set[int]) -> pd.DataFrame:
    """The peers' figures that take part in the ranking ("group" -1): those of partnerships
    not `computed` here, with a value and a period end, and not a suppressed small count."""
    others = peers[~np.isin(peers["partnership_id"].to_numpy(), computed)]
    peer_metric = others["metric_id"].astype(np.int64).to_numpy()
    peer_value = _floats(others["value"])
    peer_end = _days(others["period_end"])
    peer_label = (_text(others["period_label"]) if "period_label" in others
                  else np.full(len(others), "", dtype=object))
    usable = (~np.isnan(peer_value) & ~np.isnat(peer_end)
              & ~small_counts(peer_metric, peer_value,
                              others["count"] if "count" in others else np.nan,
                              disclosed, counted))
    return pd.DataFrame({
        "metric_id": peer_metric[usable], "end": peer_end[usable],
        "label": peer_label[usable], "value": peer_value[usable], "group": -1,
    })
