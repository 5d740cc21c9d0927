from django.urls import path

from exchanges.views import admin, roles, worklist

app_name = "exchanges_admin"

urlpatterns = [
    path("transfers/", admin.transfer_list, name="transfer_list"),
    path("transfers/new/", admin.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/", admin.transfer_detail, name="transfer_detail"),
    path(
        "transfers/<int:pk>/upload-link/",
        admin.upload_link_create,
        name="upload_link_create",
    ),
    path("transfers/<int:pk>/upload/", admin.payload_upload, name="payload_upload"),
    path(
        "transfers/<int:pk>/download/", admin.payload_download, name="payload_download"
    ),
    path("transfers/<int:pk>/delete/", admin.transfer_delete, name="transfer_delete"),
    path(
        "transfers/<int:pk>/list/import/",
        worklist.worklist_import,
        name="worklist_import",
    ),
    path("transfers/<int:pk>/list/", worklist.worklist_view, name="worklist"),
    path(
        "transfers/<int:pk>/list/export.csv",
        worklist.worklist_export,
        name="worklist_export",
    ),
    path("evidence/", admin.evidence_list, name="evidence_list"),
    path(
        "evidence/<uuid:evidence_id>/certificate/",
        admin.certificate_download,
        name="certificate",
    ),
    path("audit/", admin.audit_log, name="audit_log"),
    path("roles/", roles.role_grant_list, name="role_grants"),
    path(
        "roles/<int:grant_id>/decide/",
        roles.role_grant_decide,
        name="role_grant_decide",
    ),
]
