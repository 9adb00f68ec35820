"""Seeded demo data: a health plan's raw extracts with four planted member personas, once or as monthly snapshots."""

from segmentation_tools.demo_data.generate import generate_extracts, generate_snapshots

__all__ = ["generate_extracts", "generate_snapshots"]
