"""The mapping between the HIS's model and the platform's payloads: one module per transaction family.

Use cases speak of visits, fees and settlements; only these modules know how 1101, 2201A, 2203,
2204 or 2207 spell them on the wire, and how a reply (or a journaled request) reads back.
"""
