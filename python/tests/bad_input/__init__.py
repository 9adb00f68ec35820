"""Bad input and faults, end to end: the small generated plan with one defect at a time, through `dbt build` as
`make dbt-build` runs it, each test asserting the exact outcome.

A defect either stops the build with one clear message (a broken extract file, a segmentation that cannot be
fitted) or quarantines rows: they land in rejected_rows with the rule they broke, the reconciliation tests
still pass and member_status says what became of the member. Defects that quarantine do not interfere, so
they share one build (one per file format); each still has its own assertion.
"""
