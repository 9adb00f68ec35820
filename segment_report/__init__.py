"""The segment report: one static HTML file business users open from disk after a segmentation run.

:mod:`segment_report.warehouse` reads the marts (read-only, members sampled in SQL), :mod:`segment_report.charts`
turns DataFrames into matplotlib figures, :mod:`segment_report.html` assembles the page with the figures
embedded as base64 PNG. ``python -m segment_report`` (``make report``) runs the three.
"""
