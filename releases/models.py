"""Releases: numbered, write-once snapshots of the published data that a paper can cite.

A release and its files are stored in the database, not under MEDIA_ROOT: the bytes, their
SHA-256 and the release row commit in one transaction (no file without its row or the other
way round), a database trigger refuses any UPDATE or DELETE of them whatever the write path
(admin, shell, raw SQL), and the database's backups carry them. Files are split into parts
of ``PART_SIZE`` bytes so neither freezing nor downloading holds a whole export in memory.
"""

import pgtrigger
from django.db import models

# Size of one stored part of a file (a download streams part by part).
PART_SIZE = 4 * 1024 * 1024


class ImmutableError(Exception):
    """Raised when code tries to change or delete a release, a file of one or a part of a file."""


def _write_once(*, name: str) -> pgtrigger.Protect:
    # UPDATE and DELETE refused by PostgreSQL itself: the model guard below only catches the ORM.
    return pgtrigger.Protect(name=name, operation=pgtrigger.Update | pgtrigger.Delete)


class WriteOnceModel(models.Model):
    """A row that is inserted once and never saved again (the database refuses it too)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} {self.pk} is part of a release and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{type(self).__name__} {self.pk} is part of a release and cannot be deleted.")


class Release(WriteOnceModel):
    """One numbered release: the published attacks and figures as they stood at ``frozen_at``."""

    # 1, 2, 3...: rows are never deleted (trigger), so max + 1 never hands out a used number.
    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The moment the data was read (the freezing transaction's start): `as_of` at this moment
    # answers with the same attacks and figures.
    frozen_at = models.DateTimeField()
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    counts = models.JSONField(default=dict, help_text="Attacks, figures and rows per file in this release.")
    changelog = models.JSONField(default=dict, help_text="What changed since the previous release.")
    citation = models.TextField(help_text="Suggested citation.")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="releases_release_number_positive")
        ]
        triggers = [_write_once(name="releases_release_write_once")]

    def __str__(self) -> str:
        return f"Release {self.number}"


class ReleaseFile(WriteOnceModel):
    """One file of a release (attacks.csv, attacks.geojson, waves.csv), with its size and SHA-256."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(help_text="Attacks (or wave counts) in the file.")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["release", "name"]
        constraints = [
            models.UniqueConstraint(fields=["release", "name"], name="releases_releasefile_one_per_name"),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="releases_releasefile_sha256_hex"
            ),
        ]
        triggers = [_write_once(name="releases_releasefile_write_once")]

    def __str__(self) -> str:
        return f"{self.release} {self.name}"


class ReleaseFilePart(WriteOnceModel):
    """``PART_SIZE`` bytes of a release file; a file is its parts in ``index`` order."""

    file = models.ForeignKey(ReleaseFile, on_delete=models.PROTECT, related_name="parts")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["file", "index"]
        constraints = [models.UniqueConstraint(fields=["file", "index"], name="releases_releasefilepart_one_per_index")]
        triggers = [_write_once(name="releases_releasefilepart_write_once")]

    def __str__(self) -> str:
        return f"{self.file} part {self.index}"
