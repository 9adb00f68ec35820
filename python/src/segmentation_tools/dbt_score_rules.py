"""The project's own dbt-score rules (pyproject.toml [tool.dbt-score] loads this module with dbt-score's).

Owners are declared once, on the dbt groups (models/_groups.yml; dbt requires each group's owner), and every
model and seed belongs to a group. dbt-score's has_owner and seed_has_owner read an owner from meta instead,
which would repeat each owner on every node, so the configuration replaces them with these two.
"""

# No `from __future__ import annotations`: dbt-score tells model rules from seed rules by the evaluated annotation.
from dbt_score import Model, RuleViolation, Seed, rule


@rule
def model_belongs_to_an_owned_group(model: Model) -> RuleViolation | None:
    """A model belongs to a group, whose owner (models/_groups.yml) owns it."""
    if not model.group:
        return RuleViolation(message="Model belongs to no group, so it has no owner (models/_groups.yml).")
    return None


@rule
def seed_belongs_to_an_owned_group(seed: Seed) -> RuleViolation | None:
    """A seed belongs to a group, whose owner (models/_groups.yml) owns it."""
    if not seed.config.get("group"):
        return RuleViolation(message="Seed belongs to no group, so it has no owner (models/_groups.yml).")
    return None
