from typing import Any

from django.dispatch import receiver

from cases.services.links import areas_relink_near
from districts.signals import boundaries_changed


@receiver(boundaries_changed, dispatch_uid="cases.relink_on_boundaries_changed")
def relink_on_boundaries_changed(
    sender: Any, *, district_ids: list[int], **kwargs: Any
) -> None:
    # Runs inside the boundary import's transaction: the links change
    # together with the boundaries, or not at all. Links to deleted areas
    # went with them (cascade); the areas that grew into their place are
    # among ``district_ids``.
    areas_relink_near(district_ids)
