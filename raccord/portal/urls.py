from django.urls import path

from raccord.portal import views_form, views_list, views_tracking

app_name = "portal"
urlpatterns = [
    path("", views_list.dossier_list, name="list"),
    path("actions/", views_list.all_actions, name="all_actions"),
    path("nouvelle/", views_form.dossier_new, name="new"),
    path("<str:number>/", views_form.dossier_detail, name="detail"),
    path("<str:number>/commencer/", views_form.dossier_start, name="start"),
    path("<str:number>/saisie/<slug:slug>/", views_form.section_edit, name="section"),
    path(
        "<str:number>/saisie/<slug:slug>/enregistrer/",
        views_form.section_autosave,
        name="autosave",
    ),
    path("<str:number>/pieces/", views_form.attachments, name="attachments"),
    path("<str:number>/pieces/<int:pk>/", views_form.attachment_download, name="attachment"),
    path(
        "<str:number>/pieces/<int:pk>/retirer/",
        views_form.attachment_delete,
        name="attachment_remove",
    ),
    path("<str:number>/convention/", views_form.convention, name="convention"),
    path(
        "<str:number>/convention/apercu.pdf",
        views_form.convention_preview_pdf,
        name="convention_preview",
    ),
    path("<str:number>/convention/confirmation/", views_form.convention_confirm, name="confirm"),
    path("<str:number>/transmettre/", views_form.dossier_transmit, name="submit"),
    path("<str:number>/abandonner/", views_form.dossier_abandon, name="abandon"),
    path("<str:number>/repondre/", views_form.dossier_answer_post, name="answer"),
    path("<str:number>/labels/", views_list.label_create, name="label_add"),
    path("<str:number>/labels/<int:pk>/retirer/", views_list.label_delete, name="label_remove"),
    path("<str:number>/suivi/", views_tracking.tracking, name="tracking"),
    path("<str:number>/actions/", views_tracking.actions, name="actions"),
    path("<str:number>/messages/", views_tracking.messages_tab, name="messages"),
    path(
        "<str:number>/messages/pieces/<int:pk>/",
        views_tracking.message_attachment_download,
        name="message_attachment",
    ),
    path("<str:number>/documents/", views_tracking.documents, name="documents"),
    path("<str:number>/documents/<int:pk>/", views_tracking.document_download, name="document"),
    path("<str:number>/contact/", views_tracking.contact, name="contact"),
]
