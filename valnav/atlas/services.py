"""Writes for the atlas. Every write checks who may make it, validates, keeps the search stems
and records the change (who, when, what) in the history.

Who may edit an entry is decided by `organisations_with_perm` (a role counts in its own
organisation only); what may be done to an entry next is decided by `allowed_actions`, which the
pages ask instead of deciding in templates.
"""

from __future__ import annotations

import contextlib
import itertools
import operator
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.accounts.models import Organisation, OrganisationKind
from valnav.accounts.selectors import organisations_with_perm
from valnav.accounts.services import organisation_create
from valnav.atlas.models import (
    EDUCATION_HISTORY,
    ComplementaryEducation,
    Offer,
    PublicationStatus,
    RegionPolicy,
    ValidationModel,
)
from valnav.core.figures_cache import figures_data_changed
from valnav.core.permissions import Perm, user_has_perm, user_perms
from valnav.lib.stemming import stem_text

if TYPE_CHECKING:
    from datetime import date, datetime

    from django.db.models import Field, Model

    from valnav.accounts.models import User
    from valnav.taxonomy.models import Occupation

Action = Literal["publish", "archive", "reviewed"]
# Fields whose change is not a change of what the entry says.
_BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "search_stems", "last_reviewed"})


def offer_stems(offer: Offer) -> str:
    """The search text of an offer: its model, occupations, branch, provider and place."""
    model = offer.model
    occupation_names = [
        f"{occupation.name_sv} {occupation.name_en}" for occupation in model.occupations.all()
    ]
    branch = model.branch
    return stem_text(
        model.name,
        model.summary,
        " ".join(occupation_names),
        f"{branch.name_sv} {branch.name_en}" if branch else "",
        " ".join(model.outcome_labels()),
        offer.provider.name,
        offer.municipality.name,
        offer.municipality.county.name,
        offer.description,
    )


def education_stems(
    education: ComplementaryEducation, *, occupations: Iterable[Occupation] | None = None
) -> str:
    """The search text of education; `occupations` if given, else the stored ones."""
    if occupations is None:
        occupations = education.occupations.all()
    occupation_names = [f"{occupation.name_sv} {occupation.name_en}" for occupation in occupations]
    return stem_text(
        education.title,
        education.code,
        education.get_form_display(),
        " ".join(occupation_names),
        education.provider.name,
        education.municipality.name,
        education.municipality.county.name,
        education.description,
    )


def _require_editable(actor: User, *provider_ids: int | None) -> None:
    """Members edit the entries of the organisations where their role allows it; reviewers edit
    everyone's. A missing provider is left to `full_clean` to report."""
    wanted = {provider_id for provider_id in provider_ids if provider_id is not None}
    if not wanted:
        return
    editable = organisations_with_perm(user=actor, perm=Perm.EDIT_OWN_ATLAS)
    if not user_has_perm(actor, Perm.EDIT_OWN_ATLAS) or editable.filter(
        pk__in=wanted
    ).count() != len(wanted):
        raise PermissionDenied(_("You can only change entries of your own organisation."))


def _apply(instance: Any, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        setattr(instance, name, value)


def _content(instance: Model) -> dict[str, Any]:
    """What an entry says, to tell whether an edit changed anything."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in _BOOKKEEPING
    }


def _review_needed(actor: User, county_ids: Collection[int]) -> bool:
    """Whether the actor's publication in one of these counties waits for a regional reviewer."""
    if user_has_perm(actor, Perm.REVIEW_ATLAS):
        return False
    return RegionPolicy.objects.filter(county_id__in=county_ids, review_required=True).exists()


def _stored[E: (Offer, ComplementaryEducation)](instance: E) -> E:
    """The entry as stored. The instance itself may already carry the new values: a ModelForm
    writes them onto it while it validates, before the service is called."""
    return type(instance)._default_manager.select_related("municipality").get(pk=instance.pk)


def _review_changed_publication(
    instance: Offer | ComplementaryEducation,
    stored: Offer | ComplementaryEducation,
    actor: User,
    *,
    changed: bool,
) -> None:
    """A changed published entry goes back to review where its region reviews publications
    (the county it was in or the one it moves to): otherwise an edit would publish, unreviewed,
    text the region never saw."""
    if (
        changed
        and stored.status == PublicationStatus.PUBLISHED
        and instance.status == PublicationStatus.PUBLISHED
        and _review_needed(actor, {stored.municipality.county_id, instance.municipality.county_id})
    ):
        instance.status = PublicationStatus.IN_REVIEW


@contextlib.contextmanager
def _history_paused(instance: Model) -> Iterator[None]:
    """No history entries for the saves and M2M changes inside: the caller writes one entry
    for the whole change (simple-history would write one per save and per M2M `set`)."""
    instance.skip_history_when_saving = True  # type: ignore[attr-defined]  # read by simple-history
    try:
        yield
    finally:
        del instance.skip_history_when_saving  # type: ignore[attr-defined]


def offer_create(*, actor: User, data: Mapping[str, Any]) -> Offer:
    """Create a draft offer for one of the actor's organisations."""
    offer = Offer()
    _apply(offer, data)
    _require_editable(actor, offer.provider_id)
    offer.status = PublicationStatus.DRAFT
    with transaction.atomic():
        offer.full_clean()
        offer.search_stems = offer_stems(offer)
        offer._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        offer.save()
    return offer


def offer_update(*, offer: Offer, actor: User, data: Mapping[str, Any]) -> Offer:
    """Change an offer. A change to a published offer goes back to review where the region
    reviews publications and the actor is no reviewer."""
    stored = _stored(offer)
    _apply(offer, data)
    # The stored provider, and the new one whether it comes in `data` or from a ModelForm.
    _require_editable(actor, stored.provider_id, offer.provider_id)
    with transaction.atomic():
        offer.full_clean()
        changed = _content(offer) != _content(stored)
        _review_changed_publication(offer, stored, actor, changed=changed)
        offer.search_stems = offer_stems(offer)
        offer._history_user = actor  # type: ignore[attr-defined]
        offer.save()
    return offer


def _publish(instance: Offer | ComplementaryEducation, actor: User) -> None:
    _require_editable(actor, instance.provider_id)
    if instance.status == PublicationStatus.ARCHIVED:
        raise ValidationError(_("An archived entry cannot be published; make a new one."))
    if _review_needed(actor, {instance.municipality.county_id}):
        instance.status = PublicationStatus.IN_REVIEW
    else:
        instance.status = PublicationStatus.PUBLISHED
        instance.last_reviewed = timezone.localdate()
    with transaction.atomic():
        instance._history_user = actor  # type: ignore[union-attr]
        instance.save()


def offer_publish(*, offer: Offer, actor: User) -> Offer:
    """Publish, or send for review where the county's region wants publications reviewed."""
    _publish(offer, actor)
    return offer


def offer_archive(*, offer: Offer, actor: User) -> Offer:
    _require_editable(actor, offer.provider_id)
    offer.status = PublicationStatus.ARCHIVED
    with transaction.atomic():
        offer._history_user = actor  # type: ignore[attr-defined]
        offer.save()
    return offer


def offer_mark_reviewed(*, offer: Offer, actor: User) -> Offer:
    """Confirm the facts are still right, so the offer is no longer stale."""
    _require_editable(actor, offer.provider_id)
    offer.last_reviewed = timezone.localdate()
    with transaction.atomic():
        offer._history_user = actor  # type: ignore[attr-defined]
        offer.save()
    return offer


def education_create(
    *,
    actor: User,
    data: Mapping[str, Any],
    occupations: Iterable[Occupation] = (),
    closes_gaps_of: Iterable[ValidationModel] = (),
) -> ComplementaryEducation:
    """Create draft education, with one history entry that includes its occupations and models."""
    education = ComplementaryEducation()
    _apply(education, data)
    _require_editable(actor, education.provider_id)
    education.status = PublicationStatus.DRAFT
    occupations = list(occupations)
    with transaction.atomic():
        education.full_clean()
        education.search_stems = education_stems(education, occupations=occupations)
        education._history_user = actor  # type: ignore[attr-defined]
        with _history_paused(education):
            education.save()
            education.occupations.set(occupations)
            education.closes_gaps_of.set(closes_gaps_of)
        EDUCATION_HISTORY.create_historical_record(education, "+")
    return education


def _ids(items: Iterable[Any]) -> set[int]:
    return {item.pk if hasattr(item, "pk") else int(item) for item in items}


def education_update(
    *,
    education: ComplementaryEducation,
    actor: User,
    data: Mapping[str, Any],
    occupations: Iterable[Occupation] | None = None,
    closes_gaps_of: Iterable[ValidationModel] | None = None,
) -> ComplementaryEducation:
    """Change education (one history entry, occupations and models included). A change to
    published education goes back to review as `offer_update` explains."""
    stored = _stored(education)
    _apply(education, data)
    # The stored provider, and the new one whether it comes in `data` or from a ModelForm.
    _require_editable(actor, stored.provider_id, education.provider_id)
    changed = False
    with transaction.atomic():
        education.full_clean()
        with _history_paused(education):
            if occupations is not None:
                occupations = list(occupations)
                changed |= _ids(occupations) != _ids(education.occupations.all())
                education.occupations.set(occupations)
            if closes_gaps_of is not None:
                closes_gaps_of = list(closes_gaps_of)
                changed |= _ids(closes_gaps_of) != _ids(education.closes_gaps_of.all())
                education.closes_gaps_of.set(closes_gaps_of)
        changed |= _content(education) != _content(stored)
        _review_changed_publication(education, stored, actor, changed=changed)
        education.search_stems = education_stems(education)
        education._history_user = actor  # type: ignore[attr-defined]
        education.save()
    return education


def education_publish(*, education: ComplementaryEducation, actor: User) -> ComplementaryEducation:
    _publish(education, actor)
    return education


# --- What may be done next ---------------------------------------------------------------------


@dataclass(frozen=True)
class AtlasRights:
    """What one person may do in the atlas, worked out once (one query) so that deciding the
    actions of many rows asks the database nothing more."""

    reviews: bool
    editable_provider_ids: frozenset[int]


def atlas_rights(*, user: User) -> AtlasRights:
    perms = user_perms(user)
    editable: frozenset[int] = frozenset()
    if Perm.EDIT_OWN_ATLAS in perms:
        editable = frozenset(
            organisations_with_perm(user=user, perm=Perm.EDIT_OWN_ATLAS).values_list(
                "pk", flat=True
            )
        )
    return AtlasRights(reviews=Perm.REVIEW_ATLAS in perms, editable_provider_ids=editable)


def allowed_actions(
    entry: Offer | ComplementaryEducation, rights: AtlasRights
) -> frozenset[Action]:
    """The state changes the pages offer for an entry: "publish" (drafts, and entries awaiting
    review for reviewers), "reviewed" (confirm a published entry) and "archive"."""
    if entry.provider_id not in rights.editable_provider_ids:
        return frozenset()
    actions: set[Action] = set()
    if entry.status == PublicationStatus.DRAFT or (
        entry.status == PublicationStatus.IN_REVIEW and rights.reviews
    ):
        actions.add("publish")
    if entry.status == PublicationStatus.PUBLISHED:
        actions.add("reviewed")
    if entry.status != PublicationStatus.ARCHIVED:
        actions.add("archive")
    return frozenset(actions)


def search_stems_refresh(*, model_ids: Iterable[int] | None = None) -> int:
    """Recompute the stems of offers (of the given models) and education; returns rows changed.

    Called after a catalogue import, since a model's name and occupations are part of its
    offers' search text.
    """
    offers = Offer.objects.select_related("model__branch", "provider", "municipality__county")
    offers = offers.prefetch_related("model__occupations")
    if model_ids is not None:
        offers = offers.filter(model_id__in=list(model_ids))
    changed: list[Offer] = []
    for offer in offers.iterator(chunk_size=2000):
        text = offer_stems(offer)
        if text != offer.search_stems:
            offer.search_stems = text
            changed.append(offer)
    Offer.objects.bulk_update(changed, ["search_stems"], batch_size=1000)
    educations = ComplementaryEducation.objects.select_related(
        "provider", "municipality__county"
    ).prefetch_related("occupations")
    changed_education: list[ComplementaryEducation] = []
    for education in educations.iterator(chunk_size=2000):
        text = education_stems(education)
        if text != education.search_stems:
            education.search_stems = text
            changed_education.append(education)
    ComplementaryEducation.objects.bulk_update(changed_education, ["search_stems"], batch_size=1000)
    return len(changed) + len(changed_education)


@contextlib.contextmanager
def large_page_cache() -> Iterator[None]:
    """On SQLite, a 64 MiB page cache while many offers are written: the full-text index of
    the new rows (see atlas.search) is built faster. The connection's own size comes back
    after; other databases are left as they are."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -65536")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


# Offers are written at most this many at a time by the bulk writer (fewer where the database
# takes fewer parameters in one statement).
OFFER_WRITE_CHUNK = 1000
# Values the database drivers (sqlite3, psycopg) take as they are; others (dates, datetimes)
# are prepared by their field.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def offers_bulk_save(
    *,
    creates: list[Offer],
    updates: list[Offer],
    fields: Collection[str],
    actor: User | None,
    now: datetime,
) -> None:
    """Create and update many offers at once, with their history through django-simple-
    history's manager ("+" for new, "~" for changed offers, `actor` as the history user, `now`
    as its date, no change reason: the rows `bulk_create_with_history` would write). The caller
    has checked the rows and settled publication; the database's own constraints still apply
    and raise IntegrityError. Sends no signals: the figures cache is told here.

    New offers are inserted with one multi-row INSERT per chunk whose values are passed as they
    are where already plain, not through `bulk_create`: Django's insert compiler spends some
    65 µs of Python per offer preparing each value, while the INSERT itself, full-text index
    included, takes some 30 µs. Changed offers go through `bulk_update` of the changed fields.
    The history rows are written by simple-history's manager (`Offer.history.bulk_create`), and
    are now most of a large import's time (see docs/importing.md)."""
    with transaction.atomic():
        figures_data_changed()
        if creates:
            _insert_prepared(Offer, creates)
            _offers_history(creates, "+", actor=actor, now=now)
        if updates:
            Offer.objects.bulk_update(
                updates,
                sorted({*fields, "updated_at", "search_stems"}),
                batch_size=OFFER_WRITE_CHUNK,
            )
            _offers_history(updates, "~", actor=actor, now=now)


def offer_instance(values: Mapping[str, Any]) -> Offer:
    """An unsaved offer from the attribute values of all its fields (for offers_bulk_save)."""
    return _unsaved(Offer, values.items())


def _unsaved[M: Model](model: type[M], values: Iterable[tuple[str, Any]]) -> M:
    """A new instance from its attribute values, as Model.__init__ makes it from positional
    arguments but without its per-field loop, a fifth of the cost (no receiver of pre_init or
    post_init is connected to the models written in bulk)."""
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(values)
    return instance


def _insert_prepared[M: Model](model: type[M], objs: list[M]) -> None:
    """INSERT new instances (their primary keys set from the database) as `bulk_create` would,
    with the values prepared only where they are not already plain."""
    if not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs, batch_size=OFFER_WRITE_CHUNK)
        return
    ops = connection.ops
    # Read once: `connection` is a proxy whose every attribute is looked up per thread.
    alias = connection.alias
    pk = model._meta.pk
    pk_attname = pk.attname
    columns = [
        field for field in model._meta.concrete_fields if field is not pk and not field.generated
    ]
    read = operator.itemgetter(*(field.attname for field in columns))
    returning, returning_params = ops.returning_columns([pk])
    size = max(1, min(OFFER_WRITE_CHUNK, ops.bulk_batch_size(columns, objs)))
    head = "{} {} ({})".format(
        ops.insert_statement(),
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(str(field.column)) for field in columns),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            # Column by column: most columns hold only plain values and are passed as they
            # are; the others (dates, the one `now`) are prepared once per distinct value.
            by_column = list(zip(*(read(obj.__dict__) for obj in chunk), strict=True))
            for position, field in enumerate(columns):
                values = by_column[position]
                if not _PLAIN_TYPES.issuperset(map(type, values)):
                    by_column[position] = _prepared(field, values)
            placeholders = [["%s"] * len(columns)] * len(chunk)
            # django-stubs types the rows as strings; Django takes rows of placeholders.
            values_sql = ops.bulk_insert_sql(columns, placeholders)  # type: ignore[arg-type]
            cursor.execute(
                f"{head} {values_sql} {returning}",
                (*itertools.chain.from_iterable(zip(*by_column, strict=True)), *returning_params),
            )
            for obj, (key,) in zip(
                chunk, ops.fetch_returned_rows(cursor, returning_params), strict=True
            ):
                obj.__dict__[pk_attname] = key
                state = obj._state
                state.adding = False
                state.db = alias


def _prepared(field: Field[Any, Any], values: Iterable[Any]) -> tuple[Any, ...]:
    """The values as the field gives them to the database, each distinct value prepared once."""
    done: dict[Any, Any] = {}
    prepared = []
    for value in values:
        if type(value) in _PLAIN_TYPES:
            prepared.append(value)
            continue
        try:
            prepared.append(done[value])
        except KeyError:
            done[value] = field.get_db_prep_save(value, connection=connection)
            prepared.append(done[value])
    return tuple(prepared)


def _offers_history(
    offers: list[Offer], history_type: Literal["+", "~"], *, actor: User | None, now: datetime
) -> None:
    """The offers' history rows as `bulk_history_create` makes them (the tracked fields' values,
    `now`, `actor` or the history user simple-history finds, no change reason), built without
    its per-row keyword arguments and given to simple-history's manager to write."""
    history = Offer.history
    model = history.model
    user = actor or model.get_default_history_user(offers[0])
    given = {
        "history_id": None,
        "history_date": now,
        "history_change_reason": None,
        "history_type": history_type,
        "history_user_id": user.pk if user is not None else None,
    }
    tracked = {field.attname for field in model.tracked_fields}
    attnames = [field.attname for field in model._meta.concrete_fields]
    unknown = [name for name in attnames if name not in tracked and name not in given]
    if unknown:  # a column a later simple-history adds, which this would leave empty
        raise TypeError(f"History columns not filled: {unknown}")
    names = [field.attname for field in model.tracked_fields]
    read = operator.itemgetter(*names)
    rows = []
    for offer in offers:
        row = _unsaved(model, zip(names, read(offer.__dict__), strict=True))
        row.__dict__.update(given)
        rows.append(row)
    history.bulk_create(rows, batch_size=OFFER_WRITE_CHUNK)


def educations_sync(
    *,
    courses: list[Mapping[str, Any]],
    source_prefix: str,
    end_missing: bool,
    today: date,
) -> tuple[int, int, int]:
    """Create or update complementary education from a published source (Skolverket), keyed by
    `external_id` (which starts with `source_prefix`); the providers are found by name or
    registered as education providers. With `end_missing` (the courses are the source's whole
    listing), an earlier course that is no longer listed is ended (valid to yesterday), not
    deleted. The source is official, so its courses are published. Returns (created, updated,
    unchanged)."""
    created = updated = unchanged = 0
    with transaction.atomic():
        providers = {
            organisation.name.casefold(): organisation
            for organisation in Organisation.objects.all()
        }
        existing = {
            education.external_id: education
            for education in ComplementaryEducation.objects.filter(
                external_id__startswith=source_prefix
            ).prefetch_related("closes_gaps_of")
        }
        for course in courses:
            data = dict(course)
            models = data.pop("closes_gaps_of")
            name = data.pop("provider_name")
            provider = providers.get(name.casefold())
            if provider is None:
                provider = organisation_create(
                    name=name,
                    kind=OrganisationKind.EDUCATION_PROVIDER,
                    municipality=data["municipality"],
                )
                providers[name.casefold()] = provider
            data["provider"] = provider
            education = existing.get(data["external_id"])
            if education is None:
                education = ComplementaryEducation(
                    status=PublicationStatus.PUBLISHED, last_reviewed=today
                )
                created += 1
            elif {name: getattr(education, name) for name in data} == data and set(
                education.closes_gaps_of.all()
            ) == set(models):
                unchanged += 1
                continue
            else:
                updated += 1
            _apply(education, data)
            education.full_clean()
            education.save()
            education.closes_gaps_of.set(models)
            education.search_stems = education_stems(education)
            education.save(update_fields=["search_stems"])
        if end_missing:
            listed = {course["external_id"] for course in courses}
            ended = today - timedelta(days=1)
            for external_id, education in existing.items():
                if external_id not in listed and (
                    education.valid_to is None or education.valid_to > ended
                ):
                    education.valid_to = ended
                    education.save(update_fields=["valid_to", "updated_at"])
                    updated += 1
    return created, updated, unchanged
