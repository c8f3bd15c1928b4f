from django.dispatch import Signal

# Sent inside the import transaction when official boundaries were created,
# moved or deleted, so apps that link items to areas can recompute the links
# (``district_ids``: areas created or moved; ``level``: the level imported).
boundaries_changed = Signal()
