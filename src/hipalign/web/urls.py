from django.contrib import admin
from django.urls import path

from hipalign.web import views
from hipalign.web.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("setup", views.setup, name="setup"),
    path("signup", views.signup, name="signup"),
    path("login", views.login_view, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("onboarding", views.onboarding, name="onboarding"),
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
    path("report", views.report, name="report"),
    path("posture", views.posture_page, name="posture"),
    path("posture/<str:upload_id>/overlay.png", views.posture_overlay, name="posture_overlay"),
    path("posture/<str:upload_id>/use", views.posture_use, name="posture_use"),
    path("posture/<str:upload_id>/delete", views.posture_delete, name="posture_delete"),
    path("account", views.account, name="account"),
    path("account/export.json", views.account_export, name="account_export"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
