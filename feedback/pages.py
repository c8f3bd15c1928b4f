"""Residents' feedback pages: the list, one piece of feedback with the
City's replies, and the form (for a facility or a place)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.models import Facility
from districts.models import District
from feedback.forms import FeedbackForm
from feedback.models import Feedback, StatusNote
from feedback.selectors import feedback_public, service_options
from feedback.services import Contact, feedback_create
from geo import srid
from web.forms import show_errors
from web.ratelimit import FeedbackThrottle, rate_limited

PAGE_SIZE = 50
LEVEL_ORDER = [level.value for level in District.Level]


def list_page(request: HttpRequest) -> HttpResponse:
    rows = feedback_public().order_by("-requested_at", "-id")
    status = request.GET.get("status", "")
    if status in Feedback.Status.values:
        rows = rows.filter(status=status)
    service = request.GET.get("service_code", "")
    services = service_options()
    if service in dict(services):
        rows = rows.filter(service__code=service)
    page = Paginator(rows.defer("attributes"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "feedback/list.html",
        {
            "page": page,
            "statuses": Feedback.Status.choices,
            "services": services,
            "chosen": {"status": status, "service_code": service},
        },
    )


def detail_page(request: HttpRequest, request_id: str) -> HttpResponse:
    feedback = (
        feedback_public()
        .select_related("facility")
        .prefetch_related(
            Prefetch("notes", queryset=StatusNote.objects.order_by("created_at")),
        )
        .filter(service_request_id=request_id)
        .first()
    )
    if feedback is None:
        raise Http404(_("No such feedback."))
    areas = feedback.areas.defer("boundary").filter(is_sea=False)
    return render(
        request,
        "feedback/detail.html",
        {
            "feedback": feedback,
            "areas": sorted(areas, key=lambda a: LEVEL_ORDER.index(a.level)),
        },
    )


@login_required
@rate_limited(FeedbackThrottle)
def new_page(request: HttpRequest) -> HttpResponse:
    facility = None
    if raw := request.GET.get("facility", ""):
        facility = Facility.objects.filter(pk=raw).first() if raw.isdigit() else None
        if facility is None:
            raise Http404(_("No such facility."))
    form = FeedbackForm(request.POST or None, facility=facility)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        location = None
        if data.get("lat") is not None and data.get("long") is not None:
            location = Point(data["long"], data["lat"], srid=srid.GEOJSON)
        try:
            feedback = feedback_create(
                service_code=data["service_code"],
                title=data["title"],
                description=data["description"],
                location=location,
                facility_id=facility.pk if facility else None,
                address=data["address"],
                contact=Contact(
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    phone=data["phone"],
                ),
                user=request.user,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. Your feedback went to %(unit)s.")
                % {"unit": feedback.unit},
            )
            return redirect("feedback-pages:detail", feedback.service_request_id)
    status = 400 if form.errors else 200
    return render(
        request,
        "feedback/new.html",
        {"form": form, "facility": facility},
        status=status,
    )
