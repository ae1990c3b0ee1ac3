"""School search, school pages, school x formation pages, sitemaps and robots.txt."""

urlpatterns = []
