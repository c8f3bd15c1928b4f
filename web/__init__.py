"""HTTP plumbing shared by every app: error shapes, rate limits, pagination,
request parameters, middleware, health probes and the database backend.

It knows no domain words and has no models; the apps above it call it, and
it calls only ``geo`` and Django.
"""
