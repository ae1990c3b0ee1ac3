"""What the catalogue tells the floors above it, so that they follow its changes without it knowing them."""

from django.dispatch import Signal

# Sent after rows of the catalogue (and the orientation data imported with it) were written in bulk: the open-data
# import, the API sync. Receivers derive again what they keep from those rows (the search index,
# `guidance.search.indexing.refresh_index`). Sent inside the writer's transaction when it has one.
catalog_changed = Signal()
