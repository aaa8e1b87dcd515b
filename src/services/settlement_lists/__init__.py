"""Settlement lists (医疗保障基金结算清单, 4101a): its public API."""
from __future__ import annotations

from services.settlement_lists.service import BuildReport, SettlementListConfig, SettlementListService

__all__ = ["BuildReport", "SettlementListConfig", "SettlementListService"]
