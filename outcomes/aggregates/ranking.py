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


# --- Among every area of the metric's area type in the reference data ----------------------
POOL_KEY = ["metric_id", "area_type", "period_end", "period_label"]


def reference_pool(summary: pd.DataFrame, reference: pd.DataFrame | None, disclosed: set[int],
                   counted: set[int]) -> tuple[np.ndarray, pd.DataFrame]:
    """The areas each summary row is ranked and ranged among, as Fingertips does: every area
    of the metric's area type with a published figure for the same period (end and label).

    `reference` holds every area's published all-persons, all-ages figures (metric_id,
    area_code, area_type, period_end, period_label, value, count; England and the regions
    left out). A row's area type is that of its area's published figure for the latest
    period, else of its area's latest published figure for the metric. An area whose latest
    figure is its own (nothing published for it) joins the pool with that figure.

    Returns each summary row's pool (-1: none, when nothing of the type is published for
    the period, and the caller ranks among partnerships instead) and the pools' members
    (pool, area_code, value), one per area; suppressed small counts take no part."""
    none = np.full(len(summary), -1, dtype=np.int64)
    empty = pd.DataFrame({"pool": pd.Series([], dtype=np.int64), "area_code": [],
                          "value": pd.Series([], dtype=float)})
    if reference is None or reference.empty or summary.empty:
        return none, empty
    ref = _keyed(reference).assign(area_type=_text(reference["area_type"]))
    rows = _keyed(summary)
    rows["area_type"] = _area_types(rows, ref)
    keys = rows[POOL_KEY].merge(ref[POOL_KEY].drop_duplicates(), how="left", indicator=True)
    found = (keys["_merge"] == "both").to_numpy() & (rows["area_type"] != "").to_numpy()
    pool = np.full(len(rows), -1, dtype=np.int64)
    codes = pd.MultiIndex.from_frame(rows.loc[found, POOL_KEY])
    numbers, uniques = pd.factorize(codes)
    pool[found] = numbers
    ref_pool = (pd.MultiIndex.from_tuples(list(uniques), names=POOL_KEY).get_indexer(
        pd.MultiIndex.from_frame(ref[POOL_KEY])) if len(uniques)
        else np.full(len(ref), -1, dtype=np.int64))
    usable = ~small_counts(ref["metric_id"], ref["value"], ref["count"], disclosed, counted)
    members = ref.loc[(ref_pool >= 0) & usable, ["area_code", "value"]].assign(
        pool=ref_pool[(ref_pool >= 0) & usable])
    own = found & ~np.isnan(rows["value"].to_numpy()) & ~small_counts(
        rows["metric_id"], rows["value"], rows["count"], disclosed, counted)
    additions = pd.DataFrame({"pool": pool[own], "area_code": rows["area_code"].to_numpy()[own],
                              "value": rows["value"].to_numpy()[own]})
    members = (pd.concat([members[["pool", "area_code", "value"]], additions],
                         ignore_index=True)
               .drop_duplicates(["pool", "area_code"], keep="first"))
    return none if not found.any() else pool, members


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """metric_id, area_code, period_end (datetime64), period_label, value and count."""
    return pd.DataFrame({
        "metric_id": frame["metric_id"].astype(np.int64).to_numpy(),
        "area_code": _text(frame["area_code"]),
        "period_end": _days(frame["period_end"]),
        "period_label": _text(frame["period_label"]),
        "value": _floats(frame["value"]),
        "count": _floats(frame["count"]) if "count" in frame else np.nan,
    })


def _area_types(rows: pd.DataFrame, ref: pd.DataFrame) -> np.ndarray:
    """Each row's area's area type: of its published figure for the row's period, else of
    its latest published figure for the metric ("" when none)."""
    exact = rows[["metric_id", "area_code", "period_end", "period_label"]].merge(
        ref.drop_duplicates(["metric_id", "area_code", "period_end", "period_label"])[
            ["metric_id", "area_code", "period_end", "period_label", "area_type"]],
        how="left")["area_type"]
    latest = (ref.sort_values("period_end", kind="stable")
              .drop_duplicates(["metric_id", "area_code"], keep="last"))
    usual = rows[["metric_id", "area_code"]].merge(
        latest[["metric_id", "area_code", "area_type"]], how="left")["area_type"]
    return exact.fillna(usual).fillna("").to_numpy(dtype=object)


def reference_ranks(summary: pd.DataFrame, pool: np.ndarray, members: pd.DataFrame,
                    metrics: pd.DataFrame) -> pd.DataFrame:
    """The summary with quintile, rank and rank_of (METHODS.md §5) among its pool's areas,
    for the rows that have a pool (`reference_pool`); the others are left as they were."""
    if not (pool >= 0).any():
        return summary
    polarity = dict(zip(metrics["metric_id"].astype(np.int64).tolist(),
                        _text(metrics["polarity"]).tolist(), strict=True))
    pool_metric = pd.Series(summary["metric_id"].to_numpy()[pool >= 0],
                            index=pool[pool >= 0])
    pool_metric = pool_metric[~pool_metric.index.duplicated()]
    placed = []
    for number, group in members.groupby("pool", sort=False):
        values = group["value"].tolist()
        pol = polarity.get(int(pool_metric[number]), NO_JUDGEMENT)
        bounds = quintile_bounds(values)
        placed.append(pd.DataFrame({
            "pool": number, "area_code": group["area_code"].to_numpy(),
            "quintile": [quintile(v, bounds, polarity=pol) for v in values],
            "rank": ranks(values, polarity=pol), "rank_of": len(values)}))
    found = pd.DataFrame({"pool": pool, "area_code": _text(summary["area_code"])}).merge(
        pd.concat(placed, ignore_index=True), how="left")
    ranked = pool >= 0
    out = summary.copy()
    out["quintile"] = np.where(ranked, found["quintile"].fillna(0).to_numpy(),
                               out["quintile"].to_numpy()).astype(np.int64)
    for name in ("rank", "rank_of"):
        out[name] = pd.array(np.where(ranked, found[name].to_numpy(dtype=float),
                                      out[name].to_numpy(dtype=float, na_value=np.nan)),
                             dtype="Float64").round().astype("Int64")
    return out
