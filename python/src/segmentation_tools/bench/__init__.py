"""Benchmarks: the project's dbt build against a plain-pandas script doing the same job (`make bench`)."""
