from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from partnerships.mixins import add_service_error, kept_form_data

from . import tokens
from .forms import ApiTokenForm
from .health import health_report
from .signin import notifications


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


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(allow_get=True)  # step-up to make or revoke (cdp.signin.step_up)
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: make one (its key is shown once), see them, revoke one."""
    kept = kept_form_data(request)
    form, created = ApiTokenForm(kept if kept and "name" in kept else None,
                                 user=request.user), None
    if request.method == "POST" and "revoke" in request.POST:
        name = tokens.token_revoke(user=request.user, digest=request.POST["revoke"])
        if name is None:
            raise Http404("No such token")
        messages.success(request, f"Token “{name}” revoked: it no longer works.")
        return redirect("api_tokens")
    if request.method == "POST":
        form = ApiTokenForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                token, key = tokens.token_create(user=request.user,
                                                 name=form.cleaned_data["name"],
                                                 days=form.cleaned_data["days"])
            except ValidationError as error:  # the same name, made meanwhile in another tab
                add_service_error(form, error)
            else:
                notifications.token_created(request, token)
                created, form = {"token": token, "key": key}, ApiTokenForm(user=request.user)
    return render(request, "cdp/api_tokens.html", {
        "form": form, "created": created, "tokens": tokens.tokens_for(user=request.user),
    }, status=400 if form.errors else 200)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors can be trusted here: render the plain template.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
