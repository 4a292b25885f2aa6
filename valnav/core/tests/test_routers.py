"""Reads of the insights' aggregates go to the read replica when one is configured."""

from __future__ import annotations

from valnav.atlas.models import Offer
from valnav.casework.models import CaseFactRow, ValidationCase
from valnav.core.routers import ReplicaRouter


def test_without_a_replica_everything_uses_the_primary():
    assert ReplicaRouter().db_for_read(CaseFactRow) is None  # the suite has none
    assert ReplicaRouter(["default"]).db_for_read(CaseFactRow) is None


def test_with_a_replica_the_case_facts_are_read_there_and_nothing_else():
    router = ReplicaRouter(["default", "replica"])
    assert router.db_for_read(CaseFactRow) == "replica"
    assert router.db_for_read(ValidationCase) is None
    assert router.db_for_read(Offer) is None
    assert router.db_for_write(CaseFactRow) is None
    assert router.allow_migrate("replica", "casework") is False
    assert router.allow_migrate("default", "casework") is None
