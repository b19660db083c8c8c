from django.urls import path

from raccord.backoffice import views, views_dashboard

app_name = "backoffice"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tableau-de-bord/", views_dashboard.dashboard, name="dashboard"),
    path("exporter/csv/", views_dashboard.export_csv, name="export_csv"),
    path("exporter/xlsx/", views_dashboard.export_xlsx, name="export_xlsx"),
    path("<str:number>/", views.dossier_detail, name="dossier"),
    path("<str:number>/pieces/<int:pk>/", views.attachment_download, name="attachment"),
    path("<str:number>/documents/<int:pk>/", views.document_download, name="document"),
    path("<str:number>/decision/<slug:name>/", views.decide, name="decide"),
    path("<str:number>/messages/", views.message_send, name="message"),
    path(
        "<str:number>/messages/pieces/<int:pk>/",
        views.message_attachment_download,
        name="message_attachment",
    ),
    path("<str:number>/attribuer/", views.assign, name="assign"),
    path("<str:number>/notes/", views.note_add, name="note_add"),
    path("<str:number>/etiquettes/", views.tag_add, name="tag_add"),
    path("<str:number>/etiquettes/<int:pk>/retirer/", views.tag_remove, name="tag_remove"),
    path("<str:number>/avis/", views.expert_ask, name="expert_ask"),
    path("<str:number>/avis/<int:pk>/", views.expert_answer, name="expert_answer"),
]
