"""Calendar arithmetic the catalogue needs (when a renewed diploma's first leavers can be measured)."""

import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # The 29, 30 or 31 of a shorter month is its last day.
    for last in range(day.day, 27, -1):
        try:
            return datetime.date(year, month, last)
        except ValueError:
            continue
    return datetime.date(year, month, min(day.day, 28))
