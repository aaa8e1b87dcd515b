"""Generated gRPC stubs of the public HIS API (see proto/his)."""
