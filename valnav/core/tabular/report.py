"""What an import did or would do: counts, the changes for a preview, and the errors."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from valnav.core.tabular.errors import RowError

# The preview lists this many changed rows; the counts are always complete.
PREVIEW_LIMIT = 500


@dataclass(frozen=True)
class RowChange:
    """A row that creates or changes a record, for the preview: `key` is the record's own id
    in the file, `label` who or what it belongs to, `columns` what a changed row changes
    ("exists": imported before and left as it is)."""

    row: int
    key: str
    label: str
    action: Literal["create", "update", "exists"]
    columns: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    rows: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.errors

    @property
    def more_changes(self) -> int:
        return self.created + self.updated - len(self.changes)

    def change(self, change: RowChange) -> None:
        """Count a created or updated row and keep it for the preview while there is room."""
        if change.action == "create":
            self.created += 1
        else:
            self.updated += 1
        if len(self.changes) < PREVIEW_LIMIT:
            self.changes.append(change)

    def refuse(self) -> None:
        """Errors were found: nothing is written, so nothing is counted as done."""
        self.errors.sort(key=lambda error: error.row)
        self.created = self.updated = self.unchanged = 0
        self.changes = []

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        return cls(
            created=data["created"],
            updated=data["updated"],
            unchanged=data["unchanged"],
            errors=[RowError(**error) for error in data["errors"]],
            changes=[RowChange(**change) for change in data["changes"]],
            rows=data["rows"],
            dry_run=data["dry_run"],
        )
