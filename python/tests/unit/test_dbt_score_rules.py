"""The project's dbt-score rules: owners come from dbt groups, so a model or seed outside a group fails."""

from __future__ import annotations

from types import SimpleNamespace

from dbt_score import RuleViolation
from segmentation_tools.dbt_score_rules import model_belongs_to_an_owned_group, seed_belongs_to_an_owned_group


def test_a_model_without_a_group_has_no_owner():
    rule = model_belongs_to_an_owned_group()

    assert isinstance(rule.evaluate(SimpleNamespace(group=None)), RuleViolation)
    assert rule.evaluate(SimpleNamespace(group="member_data")) is None


def test_a_seed_without_a_group_has_no_owner():
    rule = seed_belongs_to_an_owned_group()

    assert isinstance(rule.evaluate(SimpleNamespace(config={})), RuleViolation)
    assert rule.evaluate(SimpleNamespace(config={"group": "outreach"})) is None
