"""Reconciliation with the platform (对账): our settlements beside the platform's, per group (3201)
and row by row (3202, 5262 / 5267), and the worklist of what differs (单边账)."""
from domain.reconciliation.comparison import ONE_SIDED, Finding, FindingKind, amounts_of, compare, merge
from domain.reconciliation.ledger import COMPARED, Amounts, LedgerRow, Totals, by_group
from domain.reconciliation.run import MAX_DAYS, ReconciliationRun, RunState, TotalLine, Trigger, period
from domain.reconciliation.worklist import FITTING, Action, EntryState, OneSidedEntry, close_gone, reversible_until

__all__ = ["ONE_SIDED", "Finding", "FindingKind", "amounts_of", "compare", "merge", "COMPARED", "Amounts",
           "LedgerRow", "Totals", "by_group", "MAX_DAYS", "ReconciliationRun", "RunState", "TotalLine", "Trigger",
           "period", "FITTING", "Action", "EntryState", "OneSidedEntry", "close_gone", "reversible_until"]
