"""Partnerships, the tenants, and who belongs to them.

Membership is the source of truth for access; the django-guardian permission rows below are
kept in step with it by `partnerships.services`. Every query that must be scoped to a user
goes through `for_user()` from `partnerships.access`. A model whose rows belong to one
partnership is a `PartnershipOwned` (`partnerships.tenancy`); the choices live in `choices`.

Every change to these rows is kept by django-simple-history: who (the signed-in user, from
its HistoryRequestMiddleware, or the one a service names), when, and what changed from what.
The guardian rows are not: they are derived from Membership, whose history says who gave and
took away each role.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .access import ScopedQuerySet
from .choices import DocumentKind, DocumentStatus, NamedRoleKind, Role, Sector
from .tenancy import PartnershipOwned, ScopedHistory, partnership_key, scoped_history

ons_code_validator = RegexValidator(
    r"^E\d{8}$", "Enter an ONS code: E followed by eight digits, for example E08000018."
)
# A key document's link is read by the public when published: a secure web address only.
https_link_validator = URLValidator(
    schemes=["https"], code="not_https",  # not "invalid": a field would put its own words
    message="Enter a link that starts with https://, the secure address where anyone can "
            "read the document",
)


class Region(models.Model):
    """One of England's nine regions (ONS E12 codes)."""

    code = models.CharField("ONS code", max_length=9, unique=True, validators=[ons_code_validator])
    name = models.CharField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LocalAuthority(models.Model):
    """A local authority with its ONS code: the building block of a partnership's geography."""

    code = models.CharField("ONS code", max_length=9, unique=True, validators=[ons_code_validator])
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Partnership(models.Model):
    """A Combating Drugs Partnership: the tenant."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Short name used in web addresses and the API, for example rotherham.",
        error_messages={"unique": "A partnership with this short name already exists."},
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="partnerships")
    local_authorities = models.ManyToManyField(LocalAuthority, related_name="partnerships")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="A wider partnership this one sits in, such as the South Yorkshire-wide CDP.",
    )
    reports_to = models.CharField(
        "governance: reports to",
        max_length=200,
        blank=True,
        help_text="The board the partnership reports to, e.g. Safer Rotherham Partnership.",
    )
    date_established = models.DateField(null=True, blank=True)
    terms_of_reference = models.TextField(
        blank=True, help_text="The purpose and remit the partnership agreed."
    )
    terms_of_reference_agreed = models.DateField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    # Partnership is scoped by its own primary key.
    partnership_field = "pk"

    # The history of its geography names the partnership: scoped like the rest.
    history = HistoricalRecords(m2m_fields=[local_authorities], m2m_bases=[ScopedHistory])

    class Meta:
        ordering = ["name"]
        permissions = [
            ("edit_plan", "Edit the action plan and milestones"),
            ("load_data", "Load data and manage metrics"),
            ("manage_members", "Manage members and roles"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnershipUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Partnership, on_delete=models.CASCADE)


class PartnershipGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Partnership, on_delete=models.CASCADE)


class Organisation(PartnershipOwned):
    """A member organisation of a partnership."""

    Sector = Sector

    partnership_related_name = "organisations"
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices)

    history = scoped_history()

    class Meta:
        ordering = ["sector", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="organisation_unique_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.name


class NamedRole(PartnershipOwned):
    """A named role in the partnership: SRO, chair, data and digital lead, public voice lead."""

    Kind = NamedRoleKind

    partnership_related_name = "named_roles"
    kind = models.CharField(max_length=20, choices=Kind.choices)
    holder = models.CharField(max_length=200, help_text="The person, or team, who holds it.")
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = scoped_history()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind"], name="named_role_unique_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.holder}"


class SubGroup(PartnershipOwned):
    """A sub-group or panel of the partnership, such as the Data and Digital Sub-Group."""

    partnership_related_name = "sub_groups"
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)

    history = scoped_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="sub_group_unique_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.name


class KeyDocument(PartnershipOwned):
    """An entry in the partnership's key-documents register, kept by its administrators.

    Each save through `services.key_document_update` increments `version`: an edit made from
    an older version is refused (`services.StaleKeyDocument`), never merged silently."""

    Kind = DocumentKind
    Status = DocumentStatus

    partnership_related_name = "key_documents"
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    date = models.DateField(null=True, blank=True, help_text="When it was completed or is due.")
    link = models.URLField(
        blank=True, max_length=500, validators=[https_link_validator],
        help_text="Where anyone can read it: a web address starting https://.")
    version = models.PositiveIntegerField(default=1)

    history = scoped_history(excluded_fields=["version"])

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def link_host(self) -> str:
        """The site its link leads to (www.york.gov.uk), for saying where a link goes."""
        return urlsplit(self.link).netloc if self.link else ""


class Membership(PartnershipOwned):
    """A user's role in a partnership. The source of truth for access."""

    Role = Role

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    # Declared again here only to keep its place after `user` (as the admin's form shows them).
    partnership = partnership_key()
    partnership_related_name = "memberships"
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # The last invitation emailed (when added, or sent again), and by whom.
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+")

    history = scoped_history()

    @property
    def pending(self) -> bool:
        """Invited, and not yet signed in."""
        return self.user.last_login is None

    class Meta:
        ordering = ["partnership", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"], name="membership_unique_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.partnership} ({self.role})"


class RegionalMembership(models.Model):
    """Read access to every partnership in a region, for regional and national viewers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regional_memberships"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="regional_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.region} (regional viewer)"
