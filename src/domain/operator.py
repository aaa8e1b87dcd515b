from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operator:
    """The person or terminal acting; fills the envelope's opter / opter_name / opter_type."""

    code: str
    name: str
    type: str = "1"  # opter_type: 1 经办人, 2 自助终端, 3 移动终端
    role: str = "clerk"
