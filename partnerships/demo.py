"""Demo partnerships from the seeds: the minutes and plans of Rotherham, York, Darlington,
Cambridgeshire & Peterborough, and South Yorkshire's four places. Idempotent.

What the seeds say is used as it is. Demo users are invented and say so in their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from . import services
from .geography import load_geography
from .models import (
    KeyDocument,
    LocalAuthority,
    Membership,
    NamedRole,
    Organisation,
    Partnership,
    Region,
    SubGroup,
)

DEMO_PASSWORD = "demo-password-not-for-production"
Sector = Organisation.Sector
Doc = KeyDocument.Kind
Status = KeyDocument.Status

ROTHERHAM_TOR = (
    "Work together to understand the local population and how drugs and alcohol are causing "
    "harm; identify challenges in the system and the changes needed to address them; identify "
    "and support external funding opportunities; deliver the National 10 Year Drug Strategy, "
    "From Harm to Hope, at a local level."
)

PARTNERSHIPS = [
    {
        "slug": "south-yorkshire",
        "name": "South Yorkshire Combating Drugs Partnership",
        "region": "E12000003",
        "local_authorities": ["E08000016", "E08000017", "E08000018", "E08000019"],
        "organisations": [("South Yorkshire Police", Sector.POLICE)],
    },
    {
        "slug": "rotherham",
        "name": "Rotherham Combating Drugs Partnership",
        "region": "E12000003",
        "parent": "south-yorkshire",
        "local_authorities": ["E08000018"],
        "reports_to": "Safer Rotherham Partnership",
        "date_established": date(2022, 9, 1),
        "terms_of_reference": ROTHERHAM_TOR,
        "organisations": [
            ("Rotherham Metropolitan Borough Council", Sector.COUNCIL),
            ("South Yorkshire Police", Sector.POLICE),
            ("Probation Service", Sector.PROBATION),
            ("Rotherham Alcohol and Drugs Service (ROADs)", Sector.TREATMENT),
            ("Change Grow Live", Sector.TREATMENT),
        ],
        "named_roles": [
            (NamedRole.Kind.PUBLIC_VOICE_LEAD, "ROADs", "Public involvement lead",
             "Rotherham Alcohol and Drugs Service (ROADs)"),
            (NamedRole.Kind.DATA_AND_DIGITAL_LEAD, "Data and Digital Group", "", ""),
        ],
        "sub_groups": [
            ("Data and Digital Sub-Group", "Built the Rotherham CDP outcomes dashboard."),
            ("Local Drug Information System (LDIS) Panel",
             "Collates, evaluates and responds to intelligence on potent, novel or adulterated "
             "substances."),
        ],
        "documents": [
            ("Drug and Alcohol Health Needs Assessment 2022", Doc.NEEDS_ASSESSMENT,
             Status.COMPLETED, None),
            ("Drug and alcohol covid impact assessment", Doc.IMPACT_ASSESSMENT,
             Status.IN_PROGRESS, None),
            ("Rotherham Drug Market Profile 2022", Doc.DRUG_MARKET_PROFILE, Status.COMPLETED,
             None),
            ("Terms of Reference", Doc.TERMS_OF_REFERENCE, Status.COMPLETED, None),
            ("Drug markets and drug misuse MoRiLE rationale", Doc.RISK_ASSESSMENT,
             Status.COMPLETED, None),
            ("OCG MoRiLE rationale", Doc.RISK_ASSESSMENT, Status.COMPLETED, None),
            ("Family Hub Needs Assessment", Doc.NEEDS_ASSESSMENT, Status.IN_PROGRESS, None),
            ("National Programme on Substance Abuse Deaths (NPSAD) data", Doc.DATA,
             Status.AWAITING, None),
            ("Pharmaceutical Needs Assessment 2022", Doc.NEEDS_ASSESSMENT, Status.COMPLETED,
             None),
            ("CGL 2022 CQC report", Doc.INSPECTION_REPORT, Status.COMPLETED, None),
        ],
    },
    {
        "slug": "barnsley",
        "name": "Barnsley Combating Drugs Partnership",
        "region": "E12000003",
        "parent": "south-yorkshire",
        "local_authorities": ["E08000016"],
    },
    {
        "slug": "doncaster",
        "name": "Doncaster Combating Drugs Partnership",
        "region": "E12000003",
        "parent": "south-yorkshire",
        "local_authorities": ["E08000017"],
    },
    {
        "slug": "sheffield",
        "name": "Sheffield Combating Drugs Partnership",
        "region": "E12000003",
        "parent": "south-yorkshire",
        "local_authorities": ["E08000019"],
    },
    {
        "slug": "york",
        "name": "York Drug and Alcohol Partnership",
        "region": "E12000003",
        "local_authorities": ["E06000014"],
        "organisations": [
            ("City of York Council Public Health", Sector.COUNCIL),
            ("York Drug & Alcohol Service", Sector.TREATMENT),
            ("Police", Sector.POLICE),
            ("Jobcentre Plus", Sector.EMPLOYMENT),
        ],
        "sub_groups": [
            ("York & North Yorkshire Workforce Development Group",
             "Explores training needs within partner organisations."),
        ],
        "documents": [
            ("Local Plan of Action", Doc.ACTION_PLAN, Status.COMPLETED, None),
        ],
    },
    {
        "slug": "darlington",
        "name": "Darlington Combating Drugs Partnership",
        "region": "E12000001",
        "local_authorities": ["E06000005"],
        "organisations": [
            ("Darlington Borough Council Public Health", Sector.COUNCIL),
            ("We Are With You (STRIDE)", Sector.TREATMENT),
            ("Recovery Connections (STRIDE)", Sector.VOLUNTARY),
            ("Tees, Esk and Wear Valleys NHS Foundation Trust", Sector.NHS),
            ("Police", Sector.POLICE),
            ("Probation", Sector.PROBATION),
        ],
    },
    {
        "slug": "cambridgeshire-peterborough",
        "name": "Cambridgeshire and Peterborough Combating Drugs Partnership",
        "region": "E12000006",
        "local_authorities": ["E10000003", "E06000031"],
        "reports_to": "Countywide Community Safety Strategic Board",
        "organisations": [
            ("Cambridgeshire County Council Public Health", Sector.COUNCIL),
            ("Peterborough City Council", Sector.COUNCIL),
            ("Cambridgeshire Constabulary", Sector.POLICE),
            ("Office of the Police and Crime Commissioner", Sector.OPCC),
            ("Probation", Sector.PROBATION),
            ("Change Grow Live", Sector.TREATMENT),
            ("Jobcentre Plus / DWP", Sector.EMPLOYMENT),
        ],
        "sub_groups": [
            ("Drug and Alcohol Delivery Board (DAADB)",
             "Co-ordinates the multi-agency response to drug and alcohol misuse."),
            ("Dual Diagnosis Steering Group", ""),
        ],
        "documents": [
            ("Drugs and alcohol JSNA 2016", Doc.NEEDS_ASSESSMENT, Status.COMPLETED, None),
            ("Offender Needs Assessment (OPCC) 2016", Doc.NEEDS_ASSESSMENT, Status.COMPLETED,
             None),
        ],
    },
]

REGIONAL_VIEWERS = [("yorkshire.regional", "E12000003")]


@cache
def _demo_password_hash() -> str:
    # One hash for every demo user: hashing 35 passwords would take seconds.
    return make_password(DEMO_PASSWORD)


@dataclass(frozen=True)
class DemoUser:
    username: str
    partnership: str
    role: str
    password: str


def _demo_user(username: str, *, superuser: bool = False):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(
            username=username,
            email=f"{username}@example.org",
            first_name="Demo",
            last_name=username.replace(".", " ").title(),
            is_staff=superuser,
            is_superuser=superuser,
        )
        user.password = _demo_password_hash()
        user.save()
    return user


def _partnership(spec: dict) -> Partnership:
    fields = {
        "name": spec["name"],
        "region": Region.objects.get(code=spec["region"]),
        "parent": Partnership.objects.get(slug=spec["parent"]) if spec.get("parent") else None,
        "reports_to": spec.get("reports_to", ""),
        "date_established": spec.get("date_established"),
        "terms_of_reference": spec.get("terms_of_reference", ""),
    }
    partnership = Partnership.objects.filter(slug=spec["slug"]).first()
    if partnership is None:
        return services.partnership_create(
            slug=spec["slug"], local_authority_codes=spec["local_authorities"], **fields
        )
    changed = [name for name, value in fields.items() if getattr(partnership, name) != value]
    if changed:
        for name in changed:
            setattr(partnership, name, fields[name])
        partnership.save(update_fields=changed)
    wanted = set(LocalAuthority.objects.filter(code__in=spec["local_authorities"]))
    if set(partnership.local_authorities.all()) != wanted:
        partnership.local_authorities.set(wanted)
    services.partnership_sync_permissions(partnership=partnership)
    return partnership


def _details(partnership: Partnership, spec: dict) -> None:
    organisations = {}
    for name, sector in spec.get("organisations", []):
        organisations[name], _ = Organisation.objects.get_or_create(
            partnership=partnership, name=name, defaults={"sector": sector}
        )
    for kind, holder, job_title, organisation in spec.get("named_roles", []):
        NamedRole.objects.get_or_create(
            partnership=partnership,
            kind=kind,
            defaults={
                "holder": holder,
                "job_title": job_title,
                "organisation": organisations.get(organisation),
            },
        )
    for name, purpose in spec.get("sub_groups", []):
        SubGroup.objects.get_or_create(
            partnership=partnership, name=name, defaults={"purpose": purpose}
        )
    for title, kind, status, when in spec.get("documents", []):
        KeyDocument.objects.get_or_create(
            partnership=partnership,
            title=title,
            defaults={"kind": kind, "status": status, "date": when},
        )


@transaction.atomic
def load_demo_partnerships() -> list[DemoUser]:
    """Creates (or leaves as they are) the demo partnerships and users; returns the users."""
    load_geography(Region, LocalAuthority)
    users: list[DemoUser] = []
    for spec in PARTNERSHIPS:
        partnership = _partnership(spec)
        _details(partnership, spec)
        for role in Membership.Role.values:
            username = f"{spec['slug']}.{role}"
            user = _demo_user(username)
            if not Membership.objects.filter(partnership=partnership, user=user).exists():
                services.membership_create(partnership=partnership, user=user, role=role)
            users.append(DemoUser(username, spec["slug"], role, DEMO_PASSWORD))
    for username, region_code in REGIONAL_VIEWERS:
        region = Region.objects.get(code=region_code)
        services.regional_membership_create(user=_demo_user(username), region=region)
        users.append(DemoUser(username, f"every partnership in {region.name}", "regional viewer",
                              DEMO_PASSWORD))
    _demo_user("national.admin", superuser=True)
    users.append(DemoUser("national.admin", "all (site administrator)", "superuser",
                          DEMO_PASSWORD))
    return users
