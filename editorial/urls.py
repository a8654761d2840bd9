"""Accounts at /accounts/ (un-namespaced names: login, logout... as Django expects) and the
editorial pages under /curate/ (namespace "editorial")."""

from django.urls import include, path

from . import accounts, views

curate = [
    path("", views.queue, name="queue"),
    path("evidence/<int:pk>/accept/", views.evidence_accept, name="evidence_accept"),
    path("evidence/<int:pk>/reject/", views.evidence_reject, name="evidence_reject"),
    path("evidence/bulk/", views.evidence_bulk, name="evidence_bulk"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/dismiss/", views.proposal_dismiss, name="proposal_dismiss"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<slug:slug>/edit/", views.claim_edit, name="claim_edit"),
    path("claims/<slug:slug>/state/", views.claim_state, name="claim_state"),
    path("claims/<slug:slug>/verdict/", views.claim_verdict, name="claim_verdict"),
    path("claims/<slug:slug>/history/", views.claim_history, name="claim_history"),
    path("claims/<slug:slug>/revert/<int:revision_id>/", views.claim_revert, name="claim_revert"),
    path("claims/<slug:slug>/tests/", views.claim_tests, name="claim_tests"),
    path("claims/<slug:slug>/tests/<int:pk>/edit/", views.test_edit, name="test_edit"),
    path("claims/<slug:slug>/tests/<int:pk>/check/", views.test_check, name="test_check"),
    path("claims/<slug:slug>/tests/<int:pk>/delete/", views.test_delete, name="test_delete"),
    path("audit/", views.audit_log, name="audit_log"),
]

urlpatterns = [
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", accounts.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("curate/", include((curate, "editorial"))),
]
