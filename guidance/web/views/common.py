"""What every page view shares: the 400 answer and the HTMX fragment rule."""

from django.shortcuts import render


def bad_request(request, message: str):
    """The styled 400 page, saying in French what is wrong with the address."""
    return render(request, "errors/400.html", {"error_message": message}, status=400)


def wants_fragment(request) -> bool:
    """HTMX swaps a region, except when it restores history (then it needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request
