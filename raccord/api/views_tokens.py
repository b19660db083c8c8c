"""« Accès à l'API »: a requester or an installer creates, lists and revokes personal tokens.

Staff accounts (instructors, operator administrators, superusers) must log in with their second
factor: they are refused here with an explanation (403), and their tokens would be refused by
the API anyway.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from raccord.accounts.models import User
from raccord.api.forms import TokenCreateForm
from raccord.api.models import ApiToken
from raccord.api.services import (
    STAFF_REFUSED,
    NewToken,
    TokenError,
    token_allowed,
    token_create,
    token_revoke,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page(
    request: HttpRequest,
    *,
    form: TokenCreateForm | None = None,
    new: NewToken | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    openapi = reverse("api-v1:openapi-json")
    context: dict[str, Any] = {
        "refused": None,
        "form": form if form is not None else TokenCreateForm(),
        "new_token": new.raw if new else "",
        "new_token_name": new.token.name if new else "",
        "tokens": [],
        "today": timezone.localdate(),
        "api_base": request.build_absolute_uri(openapi.removesuffix("/openapi.json")),
        "openapi_url": openapi,
    }
    if not token_allowed(user):
        context["refused"] = STAFF_REFUSED
        status = 403
    else:
        context["tokens"] = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    return render(request, "api/tokens.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "GET" or not token_allowed(user):
        return _page(request)
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            new = token_create(
                user=user,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except TokenError as error:
            form.add_error(error.field or None, error.message)
        else:
            # Shown in this response only (never kept in the session): no redirect.
            return _page(request, new=new)
    return _page(request, form=form, status=400)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    token = get_object_or_404(ApiToken, pk=pk, user=user, revoked_at__isnull=True)
    try:
        token_revoke(token=token, user=user)
    except TokenError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.",
        )
    return redirect("api:tokens")
