from django.contrib import admin
from django.urls import path

from hipalign.web import (
    views,
    views_clinic,
    views_episodes,
    views_exports,
    views_prescribe,
    views_reach,
    views_security,
    views_tokens,
)
from hipalign.web.api import api
from hipalign.web.api_v1 import api_v1

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("setup", views.setup, name="setup"),
    path("signup", views.signup, name="signup"),
    path("login", views.login_view, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("onboarding", views.onboarding, name="onboarding"),
    path("onboarding/stop", views.onboarding_stop, name="onboarding_stop"),
    path("plan", views.plan, name="plan"),
    path("plans", views.plan_history, name="plan_history"),
    path("plans/<str:plan_id>", views.plan_detail, name="plan_detail"),
    path("exercises/<slug:exercise_id>", views.exercise, name="exercise"),
    path("today", views.today, name="today"),
    path("habits/check", views.habit_check, name="habit_check"),
    path("learn", views.learn, name="learn"),
    path("learn/<slug:lesson_id>", views.lesson, name="lesson"),
    path("sessions/<str:session_id>/next-morning", views.next_morning, name="next_morning"),
    path("checkin", views.checkin, name="checkin"),
    path("progress", views.progress_page, name="progress"),
    path("outcomes", views.outcomes_page, name="outcomes"),
    path("outcomes/<slug:measure>", views.outcomes_page, name="outcome_record"),
    path("episode/new", views_episodes.episode_new, name="episode_new"),
    path("report", views.report, name="report"),
    path("posture", views.posture_page, name="posture"),
    path("posture/<str:upload_id>/overlay.png", views.posture_overlay, name="posture_overlay"),
    path("posture/<str:upload_id>/use", views.posture_use, name="posture_use"),
    path("posture/<str:upload_id>/delete", views.posture_delete, name="posture_delete"),
    path("account", views.account, name="account"),
    path("account/export.json", views.account_export, name="account_export"),
    path("account/import", views_exports.account_import, name="account_import"),
    path("account/fhir.json", views_exports.own_fhir, name="own_fhir"),
    path("plan/handout.pdf", views_exports.own_handout, name="own_handout"),
    path("plan/calendar.ics", views_exports.own_calendar, name="own_calendar"),
    path(
        "clinic/patients/<str:public_id>/handout.pdf",
        views_exports.patient_handout,
        name="clinic_handout",
    ),
    path(
        "clinic/patients/<str:public_id>/calendar.ics",
        views_exports.patient_calendar,
        name="clinic_calendar",
    ),
    path(
        "clinic/patients/<str:public_id>/fhir.json", views_exports.patient_fhir, name="clinic_fhir"
    ),
    path("account/security", views_security.security, name="security"),
    path("account/security/setup", views_security.mfa_setup, name="mfa_setup"),
    path("account/security/verify", views_security.mfa_verify, name="mfa_verify"),
    path(
        "account/security/recovery-codes",
        views_security.mfa_recovery_renew,
        name="mfa_recovery_renew",
    ),
    path("admin-area/people", views_security.admin_people, name="admin_people"),
    path("admin-area/people/<str:public_id>/role", views_security.admin_role, name="admin_role"),
    path(
        "admin-area/people/<str:public_id>/mfa-reset",
        views_security.admin_mfa_reset,
        name="admin_mfa_reset",
    ),
    path(
        "admin-area/people/<str:public_id>/reset-link",
        views_security.admin_reset_link,
        name="admin_reset_link",
    ),
    path("account/reminders", views_reach.reminders, name="reminders"),
    path("account/reminders/push", views_reach.push_on, name="push_on"),
    path("account/reminders/push/remove", views_reach.push_off, name="push_off"),
    path("unsubscribe/<str:token>", views_reach.unsubscribe, name="unsubscribe"),
    path("account/password", views_security.password_change, name="password_change"),
    path("reset/<str:secret>", views_security.password_reset, name="password_reset"),
    path("admin-area/audit", views_security.admin_audit, name="admin_audit"),
    path("admin-area/audit/verify", views_security.admin_audit_verify, name="admin_audit_verify"),
    path(
        "admin-area/audit/export.jsonl",
        views_security.admin_audit_export,
        name="admin_audit_export",
    ),
    path("account/tokens", views_tokens.tokens_page, name="api_tokens"),
    path(
        "account/tokens/<str:token_id>/revoke", views_tokens.token_revoke, name="api_token_revoke"
    ),
    path("account/sessions/end-others", views_tokens.sessions_end_others, name="sessions_end"),
    path(
        "account/sessions/<str:browser_session_id>/end",
        views_tokens.session_end,
        name="session_end",
    ),
    path("clinic/patients", views_prescribe.patients, name="clinic_patients"),
    path("clinic/patients/<str:public_id>/plan", views_prescribe.plan_edit, name="clinic_plan"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("care", views_clinic.care_page, name="care"),
    path("timeline", views_clinic.my_timeline, name="timeline"),
    path("logs/<str:log_id>/delete", views_clinic.log_delete, name="log_delete"),
    path("clinic/links", views_clinic.links, name="clinic_links"),
    path("clinic/patients/<str:public_id>", views_clinic.patient, name="clinic_patient"),
    path(
        "clinic/patients/<str:public_id>/assessment",
        views_clinic.assessment,
        name="clinic_assessment",
    ),
    path(
        "clinic/patients/<str:public_id>/episode",
        views_episodes.patient_episode,
        name="clinic_episode",
    ),
    path(
        "clinic/patients/<str:public_id>/timeline",
        views_clinic.patient_timeline,
        name="clinic_timeline",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("api/", api.urls),
]

# A database outage answers 503 instead of 500 (web/errors.py).
handler500 = "hipalign.web.errors.server_error"
