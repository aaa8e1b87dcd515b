"""Generated from proto/his/v1 by tools/gen_proto.py; do not edit."""
