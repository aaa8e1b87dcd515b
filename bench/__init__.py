"""End-to-end throughput benchmark: our gRPC stack versus a bare httpx + SQL baseline.

Run with ./scripts/bench; see bench/README.md.
"""
