"""Member segmentation for health plans: the modelling logic behind the dbt Python models.

The dbt models in ``models/marts/segments`` are thin wrappers around :mod:`member_segmentation.pipeline`;
everything that decides a segment lives here, in plain functions that pytest can exercise without dbt.
"""
