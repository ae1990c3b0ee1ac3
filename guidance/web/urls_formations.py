"""Formation search and formation pages."""

urlpatterns = []
