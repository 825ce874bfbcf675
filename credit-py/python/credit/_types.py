"""The shapes of the dicts ``credit`` returns, as ``TypedDict``s.

Every dict a ``credit`` function or method returns is one of these (its
values: ``decimal.Decimal`` for every amount, rate and percentage,
``datetime.date`` for every date, ``str`` for ids, codes and names, ``int``
for counts and days, ``float`` for scores, probabilities and statistical
measures). The core defines each shape once; ``credit-py/tests/test_typed_outputs.py``
checks the dicts of a realistic book against these definitions, key by key
and type by type, so they cannot drift.

Policies, scorecards, plan terms, ledger events and other documents a
caller writes are returned as the same JSON-shaped dicts it passes in
(``dict[str, Any]``, with typed values): their schemas are the documents'
own.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

__all__ = [
    "AlertDict",
    "BacktestDict",
    "BookPlanDict",
    "CheckInputsDict",
    "CreditLimitDict",
    "CustomerDict",
    "TemporaryIncreaseDict",
    "CustomerScoreDict",
    "DecisionDict",
    "DecisionRecordDict",
    "DiscriminationDict",
    "DunningExclusionDict",
    "ExposureDict",
    "FeaturesDict",
    "FiguresDict",
    "GroupExposureDict",
    "GroupMemberDict",
    "HoldDict",
    "InstallmentStatusDict",
    "InterestPeriodDict",
    "KpiValueDict",
    "LateInterestDict",
    "LimitRecommendationDict",
    "LogEntryDict",
    "MoneyDict",
    "NoticeDict",
    "NoticeLineDict",
    "OpenItemDict",
    "OpenCreditDict",
    "NotRecheckedDict",
    "MeasuresDict",
    "MeasuredDict",
    "ReservedPartDict",
    "MemberReservedDict",
    "OrderRequestDict",
    "PayoffDict",
    "PlanEvaluationDict",
    "PlanPerformanceDict",
    "PlanStatusDict",
    "PromiseDict",
    "PromiseStatusDict",
    "PsiDict",
    "ReasonDict",
    "ReleaseDict",
    "ReviewEventDict",
    "ReviewResultDict",
    "ReviewChangeDict",
    "ReviewWriteBackDict",
    "ScheduleRowDict",
    "ScoreCharacteristicDict",
    "ScoreReasonDict",
    "ScoreResultDict",
]


class MoneyDict(TypedDict):
    """An amount and its currency code."""

    amount: Decimal
    currency: str


class _CustomerBase(TypedDict):
    id: str
    name: str
    currency: str
    segment_currencies: Dict[str, str]
    parent: Optional[str]
    risk_class: Optional[str]
    blocked: Optional[str]
    next_review: Optional[datetime.date]
    collector: Optional[str]
    attributes: Dict[str, str]


class CustomerDict(_CustomerBase, total=False):
    """One version of a customer's master data (``valid_from`` absent: the
    base version, in force before every dated one)."""

    valid_from: datetime.date


#: A temporary limit increase, valid on ``from`` .. ``to`` (functional
#: form: ``from`` is a keyword).
TemporaryIncreaseDict = TypedDict(
    "TemporaryIncreaseDict",
    {"amount": MoneyDict, "from": datetime.date, "to": datetime.date},
)


class _CreditLimitBase(TypedDict):
    customer: str
    segment: str
    limit: Union[Literal["unlimited"], MoneyDict]
    valid_to: Optional[datetime.date]
    temporary: List[TemporaryIncreaseDict]


class CreditLimitDict(_CreditLimitBase, total=False):
    """One version of a credit limit (``valid_from`` absent: the base
    version; ``reason``: why it was set, e.g. the review that applied it)."""

    valid_from: datetime.date
    reason: str


class _ReviewChangeBase(TypedDict):
    customer: str
    change: Literal["next_review", "risk_class", "limit"]


_ReviewChangeFigures = TypedDict(
    "_ReviewChangeFigures",
    {
        "from": Optional[Union[datetime.date, str, Decimal]],
        "to": Union[datetime.date, str, Decimal],
        "unlimited": bool,
        "currency": str,
        "rule": int,
    },
    total=False,
)


class ReviewChangeDict(_ReviewChangeBase, _ReviewChangeFigures):
    """A change a review writes back or proposes. ``next_review``: ``from``
    (a date or None) and ``to`` (a date); ``risk_class``: ``from`` (a class
    or None) and ``to``; ``limit``: ``from`` (the permanent limit in force,
    None when none is defined or it is unlimited), ``unlimited``, ``to``,
    ``currency`` and ``rule``."""


class ReviewWriteBackDict(TypedDict):
    """What ``CreditBook.apply_review`` wrote back and left as proposals."""

    as_of: datetime.date
    segment: str
    applied: List[ReviewChangeDict]
    proposals: List[ReviewChangeDict]


class ReasonDict(TypedDict):
    """A failed check step: code, block or warn, the figures and a sentence."""

    code: str
    action: str
    threshold: Optional[Decimal]
    observed: Optional[Decimal]
    message: str


class DecisionDict(TypedDict):
    """A credit decision for one order (``Decision.to_dict``)."""

    order_id: str
    outcome: str
    reasons: List[ReasonDict]
    protected_by_release: bool
    currency: str
    exposure_before: Decimal
    exposure_after: Decimal
    limit: Optional[Decimal]
    available: Optional[Decimal]


class OrderRequestDict(TypedDict):
    """An order as checked."""

    customer: str
    segment: str
    order_id: str
    amount: MoneyDict
    requested_delivery: Optional[datetime.date]
    checkpoint: str
    as_of: datetime.date


class HoldDict(TypedDict):
    """A held order and its blocking decision's log position."""

    request: OrderRequestDict
    decision_seq: int


class ReleaseDict(TypedDict):
    """A documented release of a held order."""

    order_id: str
    customer: str
    amount: MoneyDict
    by: str
    reason: str
    date: datetime.date
    decision_seq: int


class FiguresDict(TypedDict):
    """Exposure by category (unweighted), in the credit currency."""

    open_orders: Decimal
    open_orders_in_horizon: Decimal
    delivered_not_invoiced: Decimal
    receivables: Decimal
    disputed: Decimal
    special_liabilities: Decimal


class CheckInputsDict(TypedDict):
    """Everything a check read (``limit``, ``group``, ``release``: as
    recorded)."""

    as_of: datetime.date
    checkpoint: str
    currency: str
    order_amount: Decimal
    order_in_horizon: bool
    figures: FiguresDict
    limit: dict[str, Any]
    group: Optional[dict[str, Any]]
    customer_blocked: bool
    risk_class: Optional[str]
    oldest_overdue_days: Optional[int]
    overdue_amount: Decimal
    balance: Decimal
    max_dunning_level: int
    next_review: Optional[datetime.date]
    release: Optional[dict[str, Any]]


class DecisionRecordDict(TypedDict):
    """A decision as logged (reasons without their sentence)."""

    outcome: str
    reasons: List[dict[str, Any]]
    protected_by_release: bool
    currency: str
    exposure_before: Decimal
    exposure_after: Decimal
    limit: Optional[Decimal]
    available: Optional[Decimal]


class MeasuresDict(TypedDict):
    """The policy settings a check measured its figures with."""

    horizon_days: int
    materiality: Decimal
    credits_cover: bool
    weights: dict[str, Decimal]


class ReservedPartDict(TypedDict):
    """Reservations a check counted with one requested delivery date."""

    requested_delivery: Optional[datetime.date]
    amount: Decimal


class MemberReservedDict(TypedDict):
    """A group member's reservations a check counted (member's currency)."""

    customer: str
    amount: Decimal


class MeasuredDict(TypedDict):
    """How a logged check measured its figures and the reservations it
    counted (so that a back-test can measure them again)."""

    measures: MeasuresDict
    reserved: List[ReservedPartDict]
    group_head: Optional[str]
    group_reserved: List[MemberReservedDict]


class LogEntryDict(TypedDict):
    """One entry of the decision log (``measured`` is None in entries
    logged by an earlier version)."""

    seq: int
    request: OrderRequestDict
    policy_id: str
    inputs: CheckInputsDict
    decision: DecisionRecordDict
    measured: Optional[MeasuredDict]


class BacktestDict(TypedDict):
    """The decisions whose outcome another policy changes: (seq, order,
    old, new); how many were measured again from the ledger because the
    policy measures figures differently; the seqs logged without their
    measures (their recorded figures were reused)."""

    policy_id: str
    total: int
    changed: List[List[Any]]
    remeasured: int
    not_remeasured: List[int]


class ExposureDict(TypedDict):
    """An account's exposure as of a date."""

    customer: str
    segment: str
    currency: str
    as_of: datetime.date
    figures: FiguresDict
    reserved: Decimal
    total: Decimal
    limit: Optional[Decimal]


class GroupMemberDict(TypedDict):
    """A member of a group and its weighted exposure in the group currency."""

    customer: str
    exposure: Decimal


class GroupExposureDict(TypedDict):
    """A group's exposure: the head and everything below it."""

    head: str
    segment: str
    currency: str
    as_of: datetime.date
    members: List[GroupMemberDict]
    total: Decimal
    limit: Optional[Decimal]


class _OpenItemBase(TypedDict):
    invoice_id: str
    currency: str
    invoice_date: datetime.date
    due_date: datetime.date
    amount: Decimal
    open: Decimal
    disputed: Decimal
    written_off: Decimal
    discount_taken: Decimal
    dunning_level: int
    discounts: List[List[Any]]
    order_id: Optional[str]
    delivery_id: Optional[str]


class OpenItemDict(_OpenItemBase, total=False):
    """An open item; ``collection`` (installments, reductions, dunning,
    charges) only when it holds something."""

    collection: dict[str, Any]


class NotRecheckedDict(TypedDict):
    """A held order that could not be re-checked (``Recheck.not_rechecked``):
    it stays on hold."""

    order_id: str
    error: str
    """The error kind's stable name, e.g. ``"missing_rate"``."""
    message: str


class OpenCreditDict(TypedDict):
    """Cash or a credit note on account, not yet fully cleared: an open item
    that counts negative in exposure, aging and KPIs until a ``cleared``
    event applies it to invoices."""

    credit_id: str
    kind: Literal["payment", "credit_note"]
    currency: str
    date: datetime.date
    amount: Decimal
    open: Decimal
    clearings: List[List[Any]]


class FeaturesDict(TypedDict):
    """Behavioural features of an account as of a date."""

    as_of: datetime.date
    avg_days_to_pay_3m: Optional[float]
    avg_days_to_pay_6m: Optional[float]
    avg_days_to_pay_12m: Optional[float]
    avg_days_beyond_terms_3m: Optional[float]
    avg_days_beyond_terms_6m: Optional[float]
    avg_days_beyond_terms_12m: Optional[float]
    share_paid_late_12m: Optional[float]
    max_days_overdue_12m: int
    current_days_overdue: int
    overdue_share: Optional[float]
    utilisation: Optional[float]
    max_dunning_level_12m: int
    disputes_12m: int
    broken_promises_12m: int
    kept_promises_12m: int
    months_since_first_invoice: Optional[int]
    dbt_trend: Optional[float]
    avg_monthly_sales_12m: Decimal
    currency: str


class ScoreCharacteristicDict(TypedDict):
    """One characteristic of a score: the value, its bin and points."""

    name: str
    code: str
    value: Any
    bin: str
    points: float


class ScoreReasonDict(TypedDict):
    """A reason code: the characteristic that cost points, and how many."""

    code: str
    characteristic: str
    value: Any
    points_lost: float


# Dicts with a key that is a Python keyword ("class", "from") use the
# functional form.
ScoreResultDict = TypedDict(
    "ScoreResultDict",
    {
        "score": float,
        "class": str,
        "class_index": int,
        "pd": Optional[float],
        "characteristics": List[ScoreCharacteristicDict],
        "reasons": List[ScoreReasonDict],
    },
)
"""A score, its class and PD, and the reasons."""

LimitRecommendationDict = TypedDict(
    "LimitRecommendationDict",
    {
        "class": str,
        "rule": int,
        "basis": Any,
        "basis_value": Decimal,
        "factor": Decimal,
        "raw": Decimal,
        "bounded_by": Optional[str],
        "limit": Decimal,
        "currency": str,
    },
)
"""The limit a rule proposes for a class."""

class CustomerScoreDict(TypedDict):
    """A customer's score with the features and attributes behind it."""

    customer: str
    segment: str
    as_of: datetime.date
    features: FeaturesDict
    attributes: dict[str, Any]
    result: ScoreResultDict
    recommendation: Optional[LimitRecommendationDict]


class PromiseDict(TypedDict):
    """A promise to pay and how much of it payments kept."""

    made_on: datetime.date
    amount: Decimal
    currency: str
    promised_date: datetime.date
    paid: Decimal


class PromiseStatusDict(PromiseDict):
    """A promise (its fields) and its state as of a date (``open``,
    ``kept``, ``partially_kept``, ``broken``)."""

    state: str


ReviewResultDict = TypedDict(
    "ReviewResultDict",
    {
        "customer": str,
        "reviewed_on": datetime.date,
        "score": Optional[float],
        "class": Optional[str],
        "pd": Optional[float],
        "block_new_orders": bool,
        "reasons": List[ScoreReasonDict],
        "previous_score": Optional[float],
        "previous_class": Optional[str],
        "current_limit": Optional[Decimal],
        "recommendation": Optional[LimitRecommendationDict],
        "next_review": datetime.date,
    },
)
"""A customer's latest review result."""

ReviewEventDict = TypedDict(
    "ReviewEventDict",
    {
        "customer": str,
        "type": str,
        "from": Any,
        "to": Any,
        "current": Optional[Decimal],
        "proposed": Decimal,
        "rule": int,
        "due": datetime.date,
        "days": int,
        "reason": str,
    },
    total=False,
)
"""A review event: ``customer``, ``type`` and that type's figures (scores as
``float``, classes as ``str``, limits as ``Decimal``)."""

class NoticeLineDict(TypedDict):
    """One line of a dunning notice."""

    invoice_id: str
    installment: Optional[int]
    due_date: datetime.date
    days_overdue: int
    amount: Decimal
    interest: Decimal
    compensation: Decimal
    level: int


class NoticeDict(TypedDict):
    """A proposed dunning notice."""

    customer: str
    segment: str
    currency: str
    level: int
    lines: List[NoticeLineDict]
    amount: Decimal
    interest: Decimal
    compensation: Decimal
    fee: Decimal
    total: Decimal
    block_new_orders: bool


class _ExclusionBase(TypedDict):
    customer: str
    reason: str


class DunningExclusionDict(_ExclusionBase, total=False):
    """An account or item left out of a dunning run, and why."""

    invoice_id: Optional[str]
    segment: str


class AlertDict(TypedDict):
    """An alert; its figures' types follow the code (days are ``int``,
    percentages and amounts ``Decimal``, dates ``date``, labels ``str``).
    ``subject`` is an identifier (an invoice or order id, a segment, or a
    date written ISO), part of the alert's identity with code and
    customer."""

    code: str
    customer: str
    subject: str
    observed: Any
    threshold: Any
    raised_on: datetime.date


class ScheduleRowDict(TypedDict):
    """One installment of a plan's schedule."""

    number: int
    due_date: datetime.date
    principal: Decimal
    interest: Decimal
    fee: Decimal
    total: Decimal
    balance_after: Decimal


class InstallmentStatusDict(TypedDict):
    """One installment of a plan as of a date."""

    number: int
    due_date: datetime.date
    due: Decimal
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal
    penalty: Decimal
    days_late: int
    missed: bool
    outstanding_by_component: List[Decimal]


class PlanStatusDict(TypedDict):
    """A plan as of a date."""

    as_of: datetime.date
    status: dict[str, Any]
    installments: List[InstallmentStatusDict]
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal
    unapplied: Decimal
    missed: int


class BookPlanDict(TypedDict):
    """A payment plan agreed on an account, as it stood on a date."""

    plan_id: str
    agreed_on: datetime.date
    invoices: List[str]
    runs: bool
    status: PlanStatusDict
    principal_paid: Decimal
    charges_paid: Decimal

class PayoffDict(TypedDict):
    """What paying a plan off on a date costs."""

    as_of: datetime.date
    principal: Decimal
    interest_due: Decimal
    accrued_interest: Decimal
    fees: Decimal
    discount: Decimal
    total: Decimal


class PlanEvaluationDict(TypedDict):
    """A plan's total interest, fees, cost and payments, and its effective
    annual rate."""

    total_interest: Decimal
    total_fees: Decimal
    total_cost: Decimal
    total_payments: Decimal
    effective_annual_rate: Optional[float]


class KpiValueDict(TypedDict, total=False):
    """A KPI: its value, or why it is undefined."""

    value: Optional[Decimal]
    undefined: str


class PlanPerformanceDict(TypedDict):
    """Payment plans by status as of a date."""

    plans: int
    current: int
    late: int
    broken: int
    completed: int
    closed: int
    percent_current: KpiValueDict


InterestPeriodDict = TypedDict(
    "InterestPeriodDict",
    {
        "from": datetime.date,
        "to": datetime.date,
        "days": int,
        "base": Decimal,
        "rate": Decimal,
        "interest": Decimal,
    },
)
"""A period of late interest at one rate on one base."""

class LateInterestDict(TypedDict):
    """Late interest by period and in total."""

    periods: List[InterestPeriodDict]
    total: Decimal


class PsiDict(TypedDict):
    """A population stability index with its contributions and shares."""

    index: float
    contributions: List[float]
    baseline_shares: List[float]
    current_shares: List[float]


class DiscriminationDict(TypedDict):
    """AUC, Gini and KS of scores against outcomes."""

    auc: Optional[float]
    gini: Optional[float]
    ks: Optional[float]
    ks_score: Optional[float]
    goods: int
    bads: int
