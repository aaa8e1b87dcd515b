"""Reconciliation with the platform (对账): runs, the 单边账 worklist and its actions, the daily schedule."""
from services.reconciliation.actions import EntryActions
from services.reconciliation.journal_bodies import summarised
from services.reconciliation.runs import ReconciliationConfig, ReconciliationRuns
from services.reconciliation.scheduler import ReconciliationSchedule
from services.reconciliation.service import ReconciliationService, parse_action, parse_kind

__all__ = ["EntryActions", "summarised", "ReconciliationConfig", "ReconciliationRuns", "ReconciliationSchedule",
           "ReconciliationService", "parse_action", "parse_kind"]
