"""Bulk import: many links brought in at once, as a job that survives a crash and resumes.

`job` records the job and holds the values a run reports; `fetching` is the polite fetch and its
policy; `scheduler` decides which item may start (pure, on a clock tests replace); `work` is the
worker side (no database), `writing` the one writing thread's side, and `runner` the loop.
"""
