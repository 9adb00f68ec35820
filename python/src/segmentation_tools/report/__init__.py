"""The segment report: one static HTML file business users open from disk after a segmentation run.

:mod:`segmentation_tools.report.warehouse` reads the marts (read-only, members sampled in SQL),
:mod:`segmentation_tools.report.charts` turns DataFrames into matplotlib figures, :mod:`segmentation_tools.report.html`
assembles the page with the figures embedded as base64 PNG.
``python -m segmentation_tools.report`` (``make report``) runs the three.
"""
