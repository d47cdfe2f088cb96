from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import health_report


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        # The chooser goes straight to the partnership of someone who has only one.
        return redirect("partnerships:chooser")
    return render(request, "cdp/home.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "cdp/accessibility.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "cdp/privacy.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    report, healthy = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors can be trusted here: render the plain template.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
