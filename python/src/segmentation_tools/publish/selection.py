"""Which marts are published: read from the dbt manifest of the build (target/manifest.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class PublishSelectionError(RuntimeError):
    """The dbt manifest is missing or declares no mart to publish."""


@dataclass(frozen=True)
class PublishedMart:
    """One mart to publish: its dbt name, where it lives in the warehouse and whether it holds PHI."""

    name: str
    schema: str
    relation: str
    contains_phi: bool
    description: str

    @property
    def qualified_relation(self) -> str:
        return f'"{self.schema}"."{self.relation}"'


def published_marts(dbt_manifest: Path, *, include_phi: bool, only: str | None = None) -> list[PublishedMart]:
    """The models marked ``meta: {publish: true}`` (latest version only), sorted by name; with include_phi
    also those marked contains_phi; with only, that one model alone. Raises PublishSelectionError when none is
    marked, or only names no published model."""
    if not dbt_manifest.is_file():
        raise PublishSelectionError(f"{dbt_manifest}: no dbt manifest; run the build (make build) first")
    nodes = json.loads(dbt_manifest.read_text(encoding="utf-8"))["nodes"].values()
    marts = [
        PublishedMart(
            name=node["name"],
            schema=node["schema"],
            relation=node["alias"],
            contains_phi=bool(node["meta"].get("contains_phi", True)),
            description=" ".join(node["description"].split("\n\n")[0].split()),
        )
        for node in nodes
        if node["resource_type"] == "model"
        and node["meta"].get("publish") is True
        and node.get("version") == node.get("latest_version")
    ]
    if not marts:
        raise PublishSelectionError(f"{dbt_manifest}: no model is marked meta publish: true")
    selected = [mart for mart in marts if (include_phi or not mart.contains_phi) and only in (None, mart.name)]
    if only is not None and not selected:
        phi = "" if include_phi else " (or it holds PHI: pass --include-phi)"
        raise PublishSelectionError(f"{dbt_manifest}: {only} is not a published model{phi}")
    return sorted(selected, key=lambda mart: mart.name)
