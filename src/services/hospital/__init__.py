"""Hospital master data: its public API. Other contexts, the gRPC layer and the composition root
import from here only.

HospitalDirectory: the read side (what registration asks: a department, clinic, staff member, the
fee lines of a registration); CachedHospitalDirectory is the one served, StaticHospitalDirectory and
demo_directory() hold fixed records for other contexts' tests. HospitalAdmin: changes (versioned),
history, loading a data file, uploading departments to the platform (3401/3402/3403), mapping the
charge items (院内收费项目) to their national codes on the platform (3301/3302 目录对照).
"""
from __future__ import annotations

from pathlib import Path

from services.hospital.admin import SECTIONS, HospitalAdmin, LoadResult
from services.hospital.dept_upload import ACTIONS as UPLOAD_ACTIONS
from services.hospital.directory import CachedHospitalDirectory, HospitalDirectory, Snapshot, StaticHospitalDirectory
from services.hospital.item_mapping import MappingUpload, is_current as mapping_is_current
from services.hospital.loader import demo_file, parse as parse_data, read as read_data_file, read_document


def demo_directory(path: str | Path | None = None) -> StaticHospitalDirectory:
    """A directory of the demo hospital's data file (or of `path`), held in memory: no database."""
    return StaticHospitalDirectory(read_data_file(path or demo_file()))


__all__ = ["HospitalDirectory", "CachedHospitalDirectory", "StaticHospitalDirectory", "Snapshot", "HospitalAdmin",
           "LoadResult", "SECTIONS", "UPLOAD_ACTIONS", "MappingUpload", "mapping_is_current", "demo_file",
           "demo_directory", "parse_data", "read_data_file", "read_document"]
