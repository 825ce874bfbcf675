"""credit — customer credit management for order-to-cash.

Exact money (``decimal.Decimal`` in and out, never ``float``), business-day
calendars, day counts and payment terms with schedules, discounts and
settlements; a credit book with exposure, checks, holds and releases;
scorecards with batch scoring over numpy/pandas columns, reason codes,
behavioural features, limit recommendations and review runs. The engine is Rust (``credit-core``); this package is a thin
binding over it. Every dict it returns is a ``TypedDict`` of
``credit.types`` (``credit.types.DecisionDict``, …), with ``Decimal``
amounts and ``datetime.date`` dates.

>>> from datetime import date
>>> from decimal import Decimal
>>> import credit
>>> terms = credit.PaymentTerms.parse("2/10 net 30")
>>> terms
PaymentTerms('2/10 Net 30')
>>> s = terms.schedule(date(2026, 1, 31), Decimal("1000.00"), "EUR")
>>> s.net_due_date
datetime.date(2026, 3, 2)
>>> s.settlement(date(2026, 2, 10)).amount_to_settle
Money('980.00', 'EUR')
"""

from __future__ import annotations

from credit._credit import (
    AlertRun,
    Calendar,
    CreditBook,
    Decision,
    DunningRun,
    PaymentPlan,
    Reason,
    Recheck,
    ReviewRun,
    ScoreResult,
    Scorecard,
    Currency,
    Money,
    PaymentTerms,
    Schedule,
    ScheduledDiscount,
    ScheduledInstallment,
    Settlement,
    __version__,
    compensation,
    discrimination,
    feature_names,
    kpi_names,
    late_interest,
    plan_performance,
    psi,
    rounding_modes,
    error_kinds,
    score_psi,
    year_fraction,
)
from credit import _types as types
from credit._errors import (
    ArithmeticOverflow,
    ConflictingEvent,
    CreditError,
    CurrencyMismatch,
    DateOutOfRange,
    DuplicateId,
    EventNotAllowed,
    HierarchyCycle,
    InvalidArgument,
    InvalidPayment,
    InvalidSnapshot,
    InvalidTypeError,
    MissingRate,
    NoReferenceRate,
    NotOnHold,
    ParseError,
    PlanClosed,
    PrecisionError,
    ReleaseIncomplete,
    ReversalRefused,
    ScoringRejected,
    TooLarge,
    UnknownCurrency,
    UnknownCustomer,
    UnknownInvoice,
    UnknownOrder,
    ValidationError,
)

__all__ = [
    "types",
    "AlertRun",
    "ArithmeticOverflow",
    "Calendar",
    "ConflictingEvent",
    "CreditBook",
    "CreditError",
    "Currency",
    "CurrencyMismatch",
    "DateOutOfRange",
    "Decision",
    "Recheck",
    "DunningRun",
    "DuplicateId",
    "EventNotAllowed",
    "HierarchyCycle",
    "InvalidArgument",
    "InvalidPayment",
    "InvalidSnapshot",
    "InvalidTypeError",
    "MissingRate",
    "Money",
    "NoReferenceRate",
    "NotOnHold",
    "ParseError",
    "PaymentPlan",
    "PaymentTerms",
    "PlanClosed",
    "PrecisionError",
    "Reason",
    "ReleaseIncomplete",
    "ReversalRefused",
    "ReviewRun",
    "Schedule",
    "ScheduledDiscount",
    "ScheduledInstallment",
    "ScoreResult",
    "Scorecard",
    "ScoringRejected",
    "Settlement",
    "TooLarge",
    "UnknownCurrency",
    "UnknownCustomer",
    "UnknownInvoice",
    "UnknownOrder",
    "ValidationError",
    "compensation",
    "discrimination",
    "error_kinds",
    "feature_names",
    "kpi_names",
    "late_interest",
    "plan_performance",
    "psi",
    "rounding_modes",
    "score_psi",
    "year_fraction",
    "__version__",
]
