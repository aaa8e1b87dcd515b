"""Clearing (清算申请): asking the 医保 centre to pay the hospital what its funds owe for a period.

One application per kind (汇总 3202a, 按明细 3203a for persons insured here; 异地 1608 for persons
insured elsewhere), 清算类别, 清算机构 and period (a month, or days inside one month). Its figures are
our settlements of the period as the platform's ledger counts them (退费结算标志 1: originals, cancelled
ones too, and the negative settlements of cancellations; one undone by 冲正 never happened), and they
are taken from reconciled data only: every day of the period reconciled with totals that agreed after
its last settlement, and nothing open on the 单边账 worklist.
"""
from domain.clearing.application import (AREA_LOCAL, AREA_REMOTE, ClearingApplication, ClearingKind, ClearingState,
                                         KIND_TRANSACTIONS)
from domain.clearing.figures import FIGURE_LABELS, ClearingFigures, ClearingRow, figures_of, select_rows
from domain.clearing.period import ClearingPeriod, parse_period
from domain.clearing.readiness import ReconciledSpan, unreconciled

__all__ = ["AREA_LOCAL", "AREA_REMOTE", "ClearingApplication", "ClearingKind", "ClearingState", "KIND_TRANSACTIONS",
           "FIGURE_LABELS", "ClearingFigures", "ClearingRow", "figures_of", "select_rows", "ClearingPeriod",
           "parse_period", "ReconciledSpan", "unreconciled"]
