"""Exception hierarchy of the ``credit`` package.

Every error raised by ``credit`` subclasses :class:`CreditError` and also a
fitting builtin, so ``except ValueError`` keeps working in host code.

Each failure a host must tell apart has its own class, one per kind of the
core's error classification (``credit.error_kinds()`` lists them); every
exception raised for a core error carries ``kind``, the core's stable name
(``"not_on_hold"``), and the figures its message names as attributes:
``customer``, ``order``, ``invoice``, ``event``, ``id``, ``code``, ``left`` and
``right`` (currencies), ``field``/``size``/``max``, ``position``/``expected``/
``found``, ``characteristic``/``value``.
"""

from __future__ import annotations

__all__ = [
    "CreditError",
    "ValidationError",
    "ParseError",
    "UnknownCurrency",
    "PrecisionError",
    "CurrencyMismatch",
    "ArithmeticOverflow",
    "DateOutOfRange",
    "InvalidTypeError",
    "UnknownCustomer",
    "MissingRate",
    "ScoringRejected",
    "TooLarge",
    "InvalidArgument",
    "ConflictingEvent",
    "UnknownOrder",
    "UnknownInvoice",
    "DuplicateId",
    "EventNotAllowed",
    "ReversalRefused",
    "NotOnHold",
    "ReleaseIncomplete",
    "InvalidSnapshot",
    "HierarchyCycle",
    "InvalidPayment",
    "PlanClosed",
    "NoReferenceRate",
]


class CreditError(Exception):
    """Base class of every error raised by ``credit``.

    ``kind`` is the core's stable name of the failure (``None`` for an
    argument of the wrong Python type)."""

    kind: str | None = None


class ValidationError(CreditError, ValueError):
    """A value breaks a rule: out of range, inconsistent, not allowed."""


class ParseError(ValidationError):
    """Text (payment-terms notation or JSON) that cannot be read.

    For payment-terms notation, ``position`` (0-based character offset),
    ``expected`` and ``found`` say where and why.
    """

    position: int | None = None
    expected: str | None = None
    found: str | None = None


class UnknownCurrency(ValidationError):
    """A currency code that is not known (``code`` holds it)."""

    code: str | None = None


class PrecisionError(ValidationError):
    """An amount with more decimals than its currency allows."""


class CurrencyMismatch(CreditError, ValueError):
    """Amounts in different currencies were combined (``left``, ``right``:
    the currency given and the one expected, wherever it is raised)."""

    left: object = None
    right: object = None


class ArithmeticOverflow(CreditError, ArithmeticError):
    """A result too large for the 96-bit decimal type."""


class DateOutOfRange(CreditError, ValueError):
    """A date computation left the supported range."""


class InvalidTypeError(CreditError, TypeError):
    """An argument of the wrong type, e.g. a ``float`` where money is expected."""


class UnknownCustomer(ValidationError):
    """A customer id the book does not know (``customer`` holds it)."""

    customer: str | None = None


class MissingRate(ValidationError):
    """No FX rate was supplied for a currency pair the book had to convert."""


class ScoringRejected(ValidationError):
    """A value fits no bin of a characteristic whose no-match policy is
    ``reject`` (``characteristic`` and ``value`` say which)."""

    characteristic: str | None = None
    value: str | None = None


class TooLarge(ValidationError):
    """A size the caller controls is beyond its documented bound: an id or
    text too long, a document too large, nesting too deep, too many parts
    or reasons asked for. ``field``, ``size`` and ``max`` say which."""

    field: str | None = None
    size: int | None = None
    max: int | None = None


class InvalidArgument(ValidationError):
    """A malformed value: not a decimal, not a date, an unknown name, an id
    with characters it may not hold."""


class ConflictingEvent(ValidationError):
    """An event id already applied with different content (``event``)."""

    event: str | None = None


class UnknownOrder(ValidationError):
    """An order id the account does not know (``order``, ``event``)."""

    order: str | None = None
    event: str | None = None


class UnknownInvoice(ValidationError):
    """An invoice id the account does not know (``invoice``, ``event``)."""

    invoice: str | None = None
    event: str | None = None


class DuplicateId(ValidationError):
    """An order or invoice id that already exists on the account (``id``,
    ``event``)."""

    id: str | None = None
    event: str | None = None


class EventNotAllowed(ValidationError):
    """An event the account's state does not allow (a delivery beyond the
    ordered quantity, a payment allocated beyond the open amount, ...)."""


class ReversalRefused(ValidationError):
    """A reversal the book refuses (no such event, already reversed, a
    reversal of a reversal); ``event`` is its target."""

    event: str | None = None


class NotOnHold(ValidationError):
    """A release of an order that is not on hold (``order``)."""

    order: str | None = None


class ReleaseIncomplete(ValidationError):
    """A release without who releases or why."""


class InvalidSnapshot(ParseError):
    """A snapshot that cannot be restored: malformed, another schema
    version, or a broken cross-reference."""


class HierarchyCycle(ValidationError):
    """A parent that would make the customer hierarchy loop (``customer``,
    ``parent``)."""

    customer: str | None = None
    parent: str | None = None


class InvalidPayment(ValidationError):
    """A payment a payment plan cannot take (not positive, too many
    decimals, nothing due)."""


class PlanClosed(ValidationError):
    """An operation on a payment plan that is cancelled or rescheduled."""


class NoReferenceRate(ValidationError):
    """No late-interest reference rate in force on the date."""
