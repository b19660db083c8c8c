from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from raccord.accounts.forms import OrganisationForm, ProfileForm
from raccord.accounts.models import Organisation, User
from raccord.accounts.services import profile_update


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    wants_organisation = user.role in (User.Role.COMPANY, User.Role.INSTALLER)
    organisation = user.organisation
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user, prefix="profile")
        org_form = (
            OrganisationForm(request.POST, instance=organisation, prefix="org")
            if wants_organisation
            else None
        )
        if form.is_valid() and (org_form is None or org_form.is_valid()):
            profile_update(
                user=user,
                profile=form.cleaned_data,
                organisation=org_form.cleaned_data if org_form is not None else None,
            )
            messages.success(request, "Votre profil est enregistré.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=user, prefix="profile")
        org_form = (
            OrganisationForm(instance=organisation, prefix="org") if wants_organisation else None
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "org_form": org_form,
            "organisation_kind": (
                Organisation.Kind.INSTALLER
                if user.role == User.Role.INSTALLER
                else Organisation.Kind.PRODUCER
            ),
        },
    )
