"""Money as a person at the firm writes it: pounds with a £ sign and thousands separated
(£4,700; £4,700.50 where there are pence). Every page and message that shows a fee uses it."""

from decimal import Decimal


def pounds(amount: Decimal | int | float | str | None, *, empty: str = "—") -> str:
    """``amount`` in pounds as text (``empty`` when there is none)."""
    if amount is None or amount == "":
        return empty
    amount = Decimal(str(amount))
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"
