"""The sentence at the top of a partnership's dashboard: how it stands, in one line.

"Of 9 metrics on this dashboard, 3 are better than England, 4 similar, 1 worse and 1 not
compared; 2 of 5 targets are off track; 7 milestones are overdue."

Pure: made from the tiles the dashboard already has (cdp.dashboards.tile, and cdp.areas'
tiles of several areas) and its plan progress rows; no ORM, no request, no query.

A partnership of several areas has one tile per metric with each area's comparison. Such a
metric counts as better than England only when every one of its areas that can be compared
is better, and likewise similar or worse; when its areas differ it counts as mixed, so that
one area doing worse is never hidden by others doing better. A target counts once, and as
off track when it is off track in any of its areas.
"""

from __future__ import annotations

from collections import Counter

# What a tile counts as, in the order the sentence says them.
BETTER, SIMILAR, WORSE, MIXED, DIFFERENT, NOT_COMPARED = (
    "better", "similar", "worse", "mixed", "different", "not-compared")
KINDS = (BETTER, SIMILAR, WORSE, MIXED, DIFFERENT, NOT_COMPARED)
# The tag a tile shows for what it counts as: words and GOV.UK colour.
TAGS = {BETTER: "govuk-tag--green", SIMILAR: "govuk-tag--yellow", WORSE: "govuk-tag--red",
        MIXED: "govuk-tag--orange", DIFFERENT: "govuk-tag--blue",
        NOT_COMPARED: "govuk-tag--grey"}
SEVERAL_AREAS_RULE = (
    "For a partnership of several areas, a metric counts as better than England only when "
    "every one of its areas that can be compared is better (and likewise similar or worse); "
    "when its areas differ it counts as mixed. A target counts as off track when it is off "
    "track in any area.")


def comparison_kind(comparison: str | None) -> str:
    """One area's comparison with England ("Better 99.8%", "Similar", "Lowest"...) as what
    it counts as: better, similar, worse, different (higher or lower where neither is
    better) or not compared."""
    word = (comparison or "").split(" ")[0]
    return {"Better": BETTER, "Similar": SIMILAR, "Worse": WORSE, "Higher": DIFFERENT,
            "Lower": DIFFERENT, "Highest": DIFFERENT, "Lowest": DIFFERENT}.get(word,
                                                                               NOT_COMPARED)


def areas_kind(comparisons: list[str | None]) -> str:
    """What a metric of several areas counts as (the module's rule)."""
    compared = {comparison_kind(c) for c in comparisons} - {NOT_COMPARED}
    if not compared:
        return NOT_COMPARED
    return compared.pop() if len(compared) == 1 else MIXED


def kind_words(kind: str, areas: int = 1) -> str:
    """The tile's tag: "Better than England", or for several areas "Better than England in
    every area compared", "Mixed across areas"."""
    words = {BETTER: "Better than England", SIMILAR: "Similar to England",
             WORSE: "Worse than England", MIXED: "Mixed across areas",
             DIFFERENT: "Higher or lower than England", NOT_COMPARED: "Not compared with England"}
    text = words[kind]
    if areas > 1 and kind in (BETTER, SIMILAR, WORSE, DIFFERENT):
        text += " in every area compared"
    return text


def tile_areas(tile: dict) -> list[dict]:
    """A tile's single-area tiles: itself, or each of its areas side by side."""
    return tile["areas"] if "areas" in tile else [tile]


def tile_kind(tile: dict) -> str:
    return areas_kind([area["summary"].england_comparison for area in tile_areas(tile)])


def target_statuses(tiles: list[dict]) -> dict:
    """Each target once (by its id) with its status now: off track if so in any area."""
    statuses: dict = {}
    for tile in tiles:
        for area in tile_areas(tile):
            target_id = area["summary"].target_id
            if target_id is None:
                continue
            status = area.get("target_status") or "no data"
            if statuses.get(target_id) != "off track":
                statuses[target_id] = status
    return statuses


def overdue_milestones(progress: dict) -> int:
    """How many of the plan's milestones are overdue: the dashboard's progress rows' own
    count, by derived status as of today (`actionplans.derived.plan_progress`; each milestone
    is in exactly one row of an axis). The one place the sentence takes it from."""
    rows = progress.get("priority") or progress.get("strand") or []
    return sum(row["overdue"] for row in rows)


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def tile_counts(groups: list[tuple]) -> dict:
    """What the sentence takes from the tiles: how many, what each counts as, and the
    targets' statuses. Plain, so that the dashboard can keep it with its rendered tiles."""
    tiles = [tile for _, group in groups for tile in group]
    return {"metrics": len(tiles), "kinds": dict(Counter(tile_kind(tile) for tile in tiles)),
            "targets": dict(Counter(target_statuses(tiles).values()))}


def headline(groups: list[tuple], progress: dict, *, several_areas: bool = False) -> dict:
    """The dashboard's sentence, and the counts it is made of, from its outcome groups of
    tiles and its plan progress rows."""
    return headline_of(tile_counts(groups), progress, several_areas=several_areas)


def headline_of(counts: dict, progress: dict, *, several_areas: bool = False) -> dict:
    """The sentence from the tiles' counts (`tile_counts`) and the plan progress rows."""
    kinds, targets = Counter(counts["kinds"]), Counter(counts["targets"])
    metrics = counts["metrics"]
    overdue = overdue_milestones(progress)
    parts = [f"{kinds[BETTER]:,} {'is' if kinds[BETTER] == 1 else 'are'} better than England",
             f"{kinds[SIMILAR]:,} similar", f"{kinds[WORSE]:,} worse"]
    if kinds[MIXED]:
        parts.append(f"{kinds[MIXED]:,} mixed across areas")
    if kinds[DIFFERENT]:
        parts.append(f"{kinds[DIFFERENT]:,} higher or lower with neither better")
    parts.append(f"{kinds[NOT_COMPARED]:,} not compared")
    comparisons = ", ".join(parts[:-1]) + " and " + parts[-1]
    total_targets = sum(targets.values())
    if total_targets:
        off = targets["off track"]
        target_part = (f"{off:,} of {_count(total_targets, 'target', 'targets')} "
                       f"{'is' if 1 in (off, total_targets) else 'are'} off track")
    else:
        target_part = "no targets are set"
    overdue_part = f"{_count(overdue, 'milestone is', 'milestones are')} overdue"
    sentence = (f"Of {_count(metrics, 'metric', 'metrics')} on this dashboard, "
                f"{comparisons}; {target_part}; {overdue_part}.") if metrics else (
        f"No metrics have figures yet; {target_part}; {overdue_part}.")
    return {"sentence": sentence, "kinds": {kind: kinds[kind] for kind in KINDS},
            "metrics": metrics, "targets": total_targets,
            "targets_off_track": targets["off track"], "overdue": overdue,
            "rule": SEVERAL_AREAS_RULE if several_areas else ""}


def mark_tiles(groups: list[tuple]) -> None:
    """Gives each tile what it counts as (`kind`) and its tag's words and colour, for the
    page to show the same count as the sentence."""
    for _, group in groups:
        for tile in group:
            kind = tile_kind(tile)
            tile["headline"] = {"kind": kind, "tag": TAGS[kind],
                                "words": kind_words(kind, len(tile_areas(tile)))}
