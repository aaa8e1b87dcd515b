"""The hospital's inbound endpoint for the platform's notices (处方流转 7102 / 7103). See server.py."""
from __future__ import annotations

from adapters.yb_notify.server import NoticeEndpoint, NoticeHandler, answer_notice

__all__ = ["NoticeEndpoint", "NoticeHandler", "answer_notice"]
