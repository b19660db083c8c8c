"""The request list (« Espace Partenaire »), « Consulter vos actions », labels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from raccord.accounts.models import User
from raccord.dossiers.models import Dossier, Label, State
from raccord.places.models import Commune
from raccord.tracking.models import Action, Message
from tests.factories import DossierFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("portal:list")


def installer(org=None) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(role=User.Role.INSTALLER, organisation=org or OrganisationFactory())


def message(dossier: Dossier, *, direction: str = Message.Direction.TO_REQUESTER, read=False):  # type: ignore[no-untyped-def]
    return Message.objects.create(
        dossier=dossier,
        direction=direction,
        author=dossier.created_by,
        subject="Autre",
        body="Pouvez-vous préciser le modèle d'onduleur ?",
        read_at=timezone.now() if read else None,
    )


def action(
    dossier: Dossier,
    *,
    days: int = 5,
    state: str = Action.State.OPEN,
    label: str = "Répondre au message: Autre",
) -> Action:
    return Action.objects.create(
        dossier=dossier,
        label=label,
        due_date=timezone.localdate() + timedelta(days=days),
        state=state,
    )


def rows(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.number for d in response.context["rows"]]


@pytest.fixture
def me(client) -> User:  # type: ignore[no-untyped-def]
    user = UserFactory()
    client.force_login(user)
    return user


def test_given_no_dossier_when_listing_then_invites_to_create_a_first_request(client, me):
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Créer ma première demande" in response.text
    assert reverse("portal:new") in response.text
    assert "Consulter vos actions (0)" in response.text


def test_given_dossiers_when_listing_then_seed_columns_and_counters(client, me):
    dossier = DossierFactory(created_by=me, state=State.SUBMITTED, requester_name="Martin DUPONT")
    message(dossier)
    message(dossier)
    message(dossier, read=True)
    message(dossier, direction=Message.Direction.TO_OPERATOR)
    action(dossier)
    action(dossier, state=Action.State.DONE)
    draft = DossierFactory(created_by=me)

    response = client.get(LIST)

    text = response.text
    for header in (
        "N° de la demande",
        "Date de création",
        "Nom du demandeur",
        "Code postal du raccordement",
        "Statut",
        "Nouveaux messages",
    ):
        assert f'<th scope="col">{header}</th>' in text
    assert "Vous avez 2 demande(s) enregistrée(s)" in text
    assert dossier.number_display in text
    assert timezone.localtime(dossier.created_at).strftime("%d/%m/%Y") in text
    assert "Martin DUPONT" in text and "56000" in text
    assert "En cours" in text and "Sauvegardée" in text
    page = {d.number: d for d in response.context["rows"]}
    assert page[dossier.number].unread_messages == 2
    assert page[dossier.number].open_actions == 1
    assert page[draft.number].unread_messages == 0
    assert "Consulter vos actions (1)" in text
    assert reverse("portal:all_actions") in text
    assert rows(response) == [draft.number, dossier.number]  # newest first


def test_the_list_is_sorted_by_creation_date_descending(client, me):
    old = DossierFactory(created_by=me)
    new = DossierFactory(created_by=me)
    Dossier.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    Dossier.objects.filter(pk=new.pk).update(created_at=timezone.now() - timedelta(days=1))
    middle = DossierFactory(created_by=me)
    Dossier.objects.filter(pk=middle.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert rows(client.get(LIST)) == [new.number, middle.number, old.number]


def test_search_by_number_with_or_without_spaces(client, me):
    wanted = DossierFactory(created_by=me, number="1706P4E948637")
    DossierFactory(created_by=me, number="1706P4E947117")
    for q in ("17 06 P4E 948637", "1706P4E948637", "p4e 948637", "948637"):
        assert rows(client.get(LIST, {"q": q})) == [wanted.number], q


def test_search_by_requester_name_and_postal_code(client, me):
    other_commune = Commune.objects.exclude(postal_code="56000").filter(postal_code="92000").first()
    assert other_commune is not None
    dupont = DossierFactory(created_by=me, requester_name="Martin DUPONT")
    pro = DossierFactory(created_by=me, requester_name="PARTENAIRE PRO", commune=other_commune)
    assert rows(client.get(LIST, {"q": "dupont"})) == [dupont.number]
    assert rows(client.get(LIST, {"q": "92000"})) == [pro.number]
    assert rows(client.get(LIST, {"q": "56000"})) == [dupont.number]
    response = client.get(LIST, {"q": "Introuvable"})
    assert rows(response) == []
    assert "Aucune demande ne correspond à votre recherche." in response.text


def test_filter_by_requester_status(client, me):
    draft = DossierFactory(created_by=me)
    running = DossierFactory(created_by=me, state=State.IN_CHARGE)
    accepted = DossierFactory(created_by=me, state=State.ACCEPTED)
    waiting = DossierFactory(created_by=me, state=State.WAITING_REQUESTER)
    refused = DossierFactory(created_by=me, state=State.REFUSED)
    assert rows(client.get(LIST, {"statut": "sauvegardee"})) == [draft.number]
    assert set(rows(client.get(LIST, {"statut": "en-cours"}))) == {running.number, accepted.number}
    assert rows(client.get(LIST, {"statut": "en-attente"})) == [waiting.number]
    assert rows(client.get(LIST, {"statut": "refusee"})) == [refused.number]
    assert len(rows(client.get(LIST, {"statut": "n-importe-quoi"}))) == 5
    assert "En attente de votre réponse" in client.get(LIST).text


def test_an_offer_sent_is_listed_under_en_cours_as_it_displays(client, me):
    offer_sent = DossierFactory(created_by=me, state=State.OFFER_SENT)
    assert offer_sent.requester_status == "En cours"
    assert rows(client.get(LIST, {"statut": "en-cours"})) == [offer_sent.number]


@pytest.mark.parametrize("state", list(State))
def test_every_state_is_in_the_filter_of_the_status_it_displays(state):
    from raccord.portal.views_list import STATUS_FILTERS

    shown = Dossier(state=state).requester_status
    matching = [f for f in STATUS_FILTERS if state in f.states]
    assert len(matching) == 1, state
    assert str(matching[0].label) == shown, state


def test_filter_by_label_and_labels_shown_are_only_mine(client, me):
    tagged = DossierFactory(created_by=me)
    DossierFactory(created_by=me)
    Label.objects.create(dossier=tagged, user=me, text="Client Vannes")
    colleague_org = OrganisationFactory()
    someone = installer(colleague_org)
    Label.objects.create(dossier=tagged, user=someone, text="Secret du voisin")

    response = client.get(LIST, {"label": "Client Vannes"})

    assert rows(response) == [tagged.number]
    assert '<li class="label">Client Vannes</li>' in response.text
    assert "Secret du voisin" not in response.text
    assert response.context["label_choices"] == ["Client Vannes"]
    assert rows(client.get(LIST, {"label": "Secret du voisin"})) == []


def test_pagination_by_50_keeps_the_filters(client, me):
    DossierFactory.create_batch(51, created_by=me, requester_name="Martin DUPONT")
    first = client.get(LIST, {"q": "dupont"})
    assert len(rows(first)) == 50
    assert "?q=dupont&amp;page=2" in first.text
    second = client.get(LIST, {"q": "dupont", "page": 2})
    assert len(rows(second)) == 1
    assert "Page 2 sur 2" in second.text


def _list_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_rows(client):
    org = OrganisationFactory()
    me, colleague = installer(org), installer(org)
    client.force_login(me)

    def make(n: int) -> None:
        for dossier in DossierFactory.create_batch(n, created_by=colleague, organisation=org):
            message(dossier)
            action(dossier)
            Label.objects.create(dossier=dossier, user=me, text=f"L{dossier.pk % 3}")

    make(5)
    few = _list_queries(client)
    make(25)
    many = _list_queries(client)
    assert len(rows(client.get(LIST))) == 30
    assert few == many
    assert many <= 10


def test_an_installer_sees_every_dossier_of_its_organisation_but_not_others(client):
    org = OrganisationFactory()
    me, colleague = installer(org), installer(org)
    by_colleague = DossierFactory(created_by=colleague, organisation=org)
    mine = DossierFactory(created_by=me, organisation=org)
    stranger = installer()
    DossierFactory(created_by=stranger, organisation=stranger.organisation)
    DossierFactory()  # a private person's
    client.force_login(me)
    assert set(rows(client.get(LIST))) == {by_colleague.number, mine.number}


def test_a_private_person_sees_only_his_own(client, me):
    mine = DossierFactory(created_by=me)
    DossierFactory()
    org = OrganisationFactory()
    DossierFactory(created_by=installer(org), organisation=org)
    assert rows(client.get(LIST)) == [mine.number]


def test_all_actions_lists_open_actions_of_my_dossiers_with_overdue_flag(client, me):
    dossier = DossierFactory(created_by=me, state=State.WAITING_REQUESTER)
    action(dossier, days=3, label="Fournir le mandat")
    action(dossier, days=-2, label="Répondre au message: Autre")
    action(dossier, state=Action.State.DONE, label="Déjà fait")
    action(DossierFactory(), label="Action d'un autre")

    response = client.get(reverse("portal:all_actions"))

    assert response.status_code == 200
    text = response.text
    assert "Fournir le mandat" in text and "Répondre au message: Autre" in text
    assert "Déjà fait" not in text and "Action d'un autre" not in text
    assert reverse("portal:actions", args=[dossier.number]) in text
    assert text.count('class="overdue"') == 1
    assert "dont 1 en retard" in text
    assert (timezone.localdate() - timedelta(days=2)).strftime("%d/%m/%Y") in text


def test_add_and_remove_a_label_redirect_back(client, me):
    dossier = DossierFactory(created_by=me)
    tracking = reverse("portal:tracking", args=[dossier.number])
    response = client.post(
        reverse("portal:label_add", args=[dossier.number]),
        {"text": "  Client   Vannes "},
        HTTP_REFERER=f"http://testserver{tracking}",
    )
    assert response.status_code == 302 and response["Location"].endswith(tracking)
    label = Label.objects.get(dossier=dossier, user=me)
    assert label.text == "Client Vannes"

    response = client.post(reverse("portal:label_remove", args=[dossier.number, label.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Label.objects.filter(pk=label.pk).exists()


def test_label_redirect_never_leaves_the_site(client, me):
    dossier = DossierFactory(created_by=me)
    response = client.post(
        reverse("portal:label_add", args=[dossier.number]),
        {"text": "X", "next": "https://evil.example/"},
        HTTP_REFERER="https://evil.example/",
    )
    assert response["Location"] == LIST


def test_an_empty_label_is_refused_in_french(client, me):
    dossier = DossierFactory(created_by=me)
    response = client.post(
        reverse("portal:label_add", args=[dossier.number]), {"text": "  "}, follow=True
    )
    assert "Saisissez un label." in response.text
    assert not Label.objects.exists()


def test_labels_are_post_only(client, me):
    dossier = DossierFactory(created_by=me)
    assert client.get(reverse("portal:label_add", args=[dossier.number])).status_code == 405


def test_labels_refuse_another_account(client, me):
    others = DossierFactory()
    response = client.post(reverse("portal:label_add", args=[others.number]), {"text": "X"})
    assert response.status_code == 404
    assert not Label.objects.exists()
    # Someone else's label on a dossier I may see: 404, not deleted.
    org = OrganisationFactory()
    a, b = installer(org), installer(org)
    shared = DossierFactory(created_by=a, organisation=org)
    theirs = Label.objects.create(dossier=shared, user=a, text="À moi")
    client.force_login(b)
    response = client.post(reverse("portal:label_remove", args=[shared.number, theirs.pk]))
    assert response.status_code == 404
    assert Label.objects.filter(pk=theirs.pk).exists()


def test_list_pages_require_login(client, settings):
    for url in (LIST, reverse("portal:all_actions")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))
