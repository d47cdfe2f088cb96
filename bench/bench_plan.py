"""Server-side time of the action plan's pages at 50 and 500 milestones.

The plan page must render 500 milestones in under 150 ms (median). Run with
`make bench BENCH=plan` (real PostgreSQL). Prints a table and writes bench/results/plan.txt.
Compare ratios within one run: the machines are shared.
"""

from datetime import date

from harness import benchmark_database, report, setup_django, summarise, time_calls

REPEAT = 40
SIZES = [50, 500]


def build(size: int, slug: str):
    """A plan with `size` milestones over 12 objectives (3 priorities × 4 strands), five key
    actions each, with partners, leads, linked metrics and a history of updates."""
    from django.contrib.auth import get_user_model

    from actionplans import services
    from outcomes.models import Metric
    from partnerships import services as partnerships
    from partnerships.models import Organisation, Region

    region = Region.objects.get(code="E12000003")
    partnership = partnerships.partnership_create(
        name=f"Bench {slug}", slug=slug, region=region, local_authority_codes=["E08000018"])
    lead = get_user_model().objects.create_user(f"{slug}-lead", password="x")
    partnerships.membership_create(partnership=partnership, user=lead, role="lead")
    partners = [Organisation.objects.create(partnership=partnership, name=f"Partner {n}",
                                            sector="other") for n in range(6)]
    metrics = list(Metric.objects.filter(owner__isnull=True)[:6])
    plan = services.action_plan_save(partnership=partnership, user=lead,
                                     title="Bench plan", first_year=2023)
    objectives = [
        services.objective_create(plan=plan, user=lead, title=f"Objective {p} {s}",
                                  priority=p, strand=s)
        for p in ("supply", "treatment", "demand")
        for s in ("prepare", "prevent", "protect", "pursue")
    ]
    actions = [
        services.key_action_create(objective=o, user=lead, title=f"Action {n}", lead=lead,
                                   responsible_partners=partners[n % 6:n % 6 + 2])
        for o in objectives for n in range(5)
    ]
    statuses = ["not_started", "on_track", "at_risk", "off_track", "complete", "closed"]
    milestones = []
    for n in range(size):
        milestones.append(services.milestone_create(
            key_action=actions[n % len(actions)], user=lead, title=f"Milestone {n} " * 4,
            plan_year=n % 3 + 1 if n % 2 else None,
            due_date=None if n % 2 else date(2023 + n % 3, 6, 30),
            status=statuses[n % 6], progress_note="Progress so far. " * 10,
            metrics=metrics[n % 6:n % 6 + 1]))
    busy = milestones[0]
    for n in range(20):  # one milestone with a long history
        busy = services.milestone_update(milestone=busy, user=lead, version=busy.version,
                                         changes={"progress_note": f"Update {n}"})
    return partnership, lead, busy


def main() -> None:
    setup_django()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    with benchmark_database():
        for size in SIZES:
            partnership, lead, busy = build(size, f"bench-{size}")
            client = Client()
            client.force_login(lead)
            base = f"/partnerships/{partnership.slug}/plan/"
            pages = [
                ("plan, by priority", base),
                ("plan, by strand, filtered", base + "?group=strand&status=on_track"
                 "&status=at_risk&overdue=true"),
                ("milestone with 20 changes", f"{base}milestones/{busy.pk}/"),
                ("annual report", base + "report/?year=1"),
                ("export (Excel)", base + "export.xlsx"),
                ("export (CSV)", base + "export.csv"),
            ]
            for name, url in pages:
                assert client.get(url).status_code == 200, url
                reset_queries()  # the log is capped: a full one would count nothing
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
                stats = summarise(time_calls(lambda c=client, u=url: c.get(u), REPEAT))
                rows.append([name, size, len(queries), stats["median_ms"], stats["p95_ms"]])
    by_key = {(r[0], r[1]): r for r in rows}
    for row in rows:
        row.append(row[3] / by_key[(row[0], SIZES[0])][3])
    plan_500 = by_key[("plan, by priority", 500)][3]
    report(
        "plan",
        ["page", "milestones", "queries", "median ms", "p95 ms", f"median / {SIZES[0]}"],
        rows,
        notes=(f"Plan page with 500 milestones: {plan_500:.0f} ms median (target: under 150 ms)."
               "\nIn-process Django test client, signed in as a lead; excludes network."),
    )


if __name__ == "__main__":
    main()
