from collections.abc import Iterable
from typing import Self

from django.db.models import Q, Subquery

from cases.topics import FOR_RESIDENTS, Topic, topic_q
from districts.models import CustomArea
from geo.querysets import LocatedQuerySet


class InAreasQuerySet(LocatedQuerySet):
    def in_area(self, district_id: int) -> Self:
        """Items linked to the official area (any level)."""
        return self.filter(areas=district_id)

    def in_custom_area(self, area_id: int) -> Self:
        """Items touching a drawn area, matched spatially at query time so a
        newly drawn or redrawn area works at once. The boundary comes from a
        subquery, so the item column is compared untransformed and its
        spatial index is used."""
        boundary = CustomArea.objects.filter(pk=area_id).values("boundary")[:1]
        return self.intersecting(Subquery(boundary))

    def search(self, text: str) -> Self:
        raise NotImplementedError


class CaseQuerySet(InAreasQuerySet):
    def open(self) -> Self:
        return self.exclude(status="closed")

    def of_topics(self, topics: Iterable[str]) -> Self:
        """Cases whose Ahjo classification puts them in any of ``topics``
        (cases.topics)."""
        match = Q(pk__in=[])
        for topic in topics:
            match |= topic_q(Topic(topic))
        return self.filter(match)

    def for_residents(self) -> Self:
        """Without internal administration, which residents cannot
        influence: staff hiring, procurement without competition, damages."""
        return self.of_topics(FOR_RESIDENTS)

    def search(self, text: str) -> Self:
        return self.filter(
            Q(title_fi__icontains=text)
            | Q(title_sv__icontains=text)
            | Q(summary_fi__icontains=text)
            | Q(diary_number__icontains=text)
        )


class FacilityQuerySet(InAreasQuerySet):
    def search(self, text: str) -> Self:
        return self.filter(
            Q(name_fi__icontains=text)
            | Q(name_sv__icontains=text)
            | Q(name_en__icontains=text)
            | Q(address_fi__icontains=text)
        )


class ProposalQuerySet(InAreasQuerySet):
    def search(self, text: str) -> Self:
        return self.filter(Q(title__icontains=text) | Q(description__icontains=text))
