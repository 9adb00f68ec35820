"""Seeded demo data: a health plan's raw extracts with four planted member personas."""

from demo_data.generate import generate_extracts

__all__ = ["generate_extracts"]
