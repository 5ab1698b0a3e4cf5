"""What hipalign stores. Every person-owned row has a `user` and a UUID id (RELIABILITY.md 1:
object ids are not guessable, and every access goes through services.access)."""

import uuid

from django.conf import settings
from django.db import models

from hipalign.adapters.db.sealed import SealedTextField

USER = settings.AUTH_USER_MODEL


class LibraryExercise(models.Model):
    """The exercise library in the database. Core entries are seeded from the core's TOML files
    by id at every start (the files stay the source of truth); local entries are added in admin."""

    ORIGINS = [("core", "core library"), ("local", "added locally")]

    id = models.SlugField(primary_key=True, max_length=64)
    name = models.CharField(max_length=120)
    origin = models.CharField(max_length=8, choices=ORIGINS, default="local")
    position = models.CharField(max_length=32)
    intent = models.CharField(max_length=32)
    equipment = models.JSONField(default=list, blank=True)
    targets = models.JSONField(default=list, blank=True)
    contraindications = models.JSONField(default=list, blank=True)
    data = models.JSONField(help_text="The whole entry, as the core validates it")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class IntakeRecord(models.Model):
    """One version of a person's intake answers; a re-plan adds a version, none is overwritten."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="intakes")
    created_at = models.DateTimeField(auto_now_add=True)
    document = models.JSONField()  # hipalign.intake/1

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]


class PlanRecord(models.Model):
    """The plan made from one intake. The newest active one is the person's current plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="plans")
    # Several plans can come from one intake: a clinician's prescription keeps the intake.
    intake = models.ForeignKey(IntakeRecord, on_delete=models.CASCADE, related_name="plans")
    created_at = models.DateTimeField(auto_now_add=True)
    starts_on = models.DateField()
    referral_level = models.CharField(max_length=16)
    withheld = models.BooleanField()
    document = models.JSONField()  # hipalign.plan/1
    # Optimistic locking (RELIABILITY.md 6): the person's plans are numbered 1, 2, 3... A new plan
    # claims `version = base + 1`; the unique constraint lets exactly one of two edits made from the
    # same base win, and the other is told its base is stale (412 on the API).
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_role = models.CharField(max_length=10, default="person")  # person | clinician
    changes = models.JSONField(default=list, blank=True)  # what changed against the base plan
    overrides = models.JSONField(default=list, blank=True)  # safety rules overridden, with reasons
    note = models.TextField(blank=True)
    # Sessions a week in the document, kept beside it so the clinician's patient list does not
    # parse 1,000 plan documents (bench/clinic_speed.py).
    sessions_per_week = models.PositiveSmallIntegerField(default=0)
    # The document's sessions of the week (core.adherence.planned_week: day, session number,
    # exercise ids), kept beside it as plans are never edited: the clinician's list reads
    # these few hundred bytes for each of thousands of plans, not the whole document (issue
    # 19: decoding 10,000 documents was most of a first list's 14 s). Null on a row stored
    # without it; readers then fall back to the document.
    week = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="plan_version_unique")
        ]


class SessionRecord(models.Model):
    """One session a person did (or started) on a day; its id is made by the browser."""

    id = models.UUIDField(primary_key=True, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="sessions")
    plan = models.ForeignKey(PlanRecord, on_delete=models.CASCADE, related_name="sessions")
    day = models.CharField(max_length=3)
    session = models.PositiveSmallIntegerField(default=1)
    performed_on = models.DateField()
    pain_next_morning = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_on", "-created_at"]
        indexes = [
            models.Index(fields=["user", "-performed_on"]),
            # The clinician's list reads the session numbers of a fortnight of all their
            # patients' sessions: by date first, PostgreSQL range-scans that fortnight instead of
            # hashing every session of every history (services.followup.adherence).
            models.Index(fields=["performed_on", "user"], name="session_on_user"),
        ]


class ExerciseLogRecord(models.Model):
    """One exercise, one side, one session: what was done and how it felt.

    `client_id` is generated by the browser; (user, client_id) is unique, so a resend (double
    submit, offline replay, lost response) stores nothing new (RELIABILITY.md 6)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="exercise_logs")
    client_id = models.CharField(max_length=64)
    payload_hash = models.CharField(max_length=64)  # same key + other payload -> 422
    session = models.ForeignKey(SessionRecord, on_delete=models.CASCADE, related_name="logs")
    exercise_id = models.CharField(max_length=64)
    side = models.CharField(max_length=5, null=True, blank=True)
    rung = models.PositiveSmallIntegerField()
    sets_done = models.PositiveSmallIntegerField()
    reps_done = models.PositiveSmallIntegerField()
    hold_s_done = models.PositiveSmallIntegerField(default=0)
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True)  # None: a skip, untold
    effort = models.PositiveSmallIntegerField(null=True, blank=True)
    sharp_pain = models.BooleanField(default=False)
    new_numbness = models.BooleanField(default=False)
    # The exercise was skipped (issue 14 item 2): the numbers are what was done; never progresses.
    skipped = models.BooleanField(default=False)
    # Who counted the reps and holds (issue 17): "camera" when the camera coach counted them in
    # the browser and the person saved its numbers unchanged; "person" otherwise (and before).
    counted_by = models.CharField(max_length=6, default="person")
    performed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["performed_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_id"], name="log_client_id_once_per_user"
            )
        ]
        indexes = [
            models.Index(fields=["user", "exercise_id", "side", "performed_on"]),
            # One person's days of logs; covering the list's columns too (PostgreSQL), so the
            # list's reads of just the patients who changed since its last build (a list of
            # ids, services/kernel/versions.py) scan each person's fortnight in the index alone
            # instead of the whole fortnight of every patient (issue 19).
            models.Index(
                fields=["user", "performed_on"],
                include=["session", "exercise_id", "skipped", "pain_during"],
                name="log_user_day_cover",
            ),
            # The clinician's list reads the last fortnight of all their patients at once: by
            # date first, PostgreSQL range-scans those rows instead of the whole history (it
            # chose a sequential scan over (user, performed_on); bench/clinic_speed.py). The
            # columns the list reads ride along (INCLUDE, PostgreSQL only; other databases
            # leave them out), so its two log reads scan the index alone and never the table:
            # at 1,000 patients x 13 weeks, 55 ms instead of 70 and 13 instead of 27 (issue 19).
            models.Index(
                fields=["performed_on", "user", "session"],
                include=["exercise_id", "skipped", "pain_during"],
                name="log_day_cover",
            ),
        ]


class DecisionRecord(models.Model):
    """The core's progress / hold / regress decision after a log, with its reasons."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="decisions")
    log = models.ForeignKey(ExerciseLogRecord, on_delete=models.CASCADE, related_name="decisions")
    exercise_id = models.CharField(max_length=64)
    side = models.CharField(max_length=5, null=True, blank=True)
    action = models.CharField(max_length=16)
    rung = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    review_suggested = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["user", "exercise_id", "side", "-created_at"])]


class CurrentDose(models.Model):
    """The newest decision per exercise and side, kept beside the history so a page reads one
    small row per exercise whatever the length of the history (bench/web_speed.py)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="current_doses")
    exercise_id = models.CharField(max_length=64)
    side = models.CharField(max_length=5, blank=True, default="")  # "" for no side
    decision = models.ForeignKey(DecisionRecord, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "exercise_id", "side"], name="one_current_dose_per_side"
            )
        ]


class HabitCheck(models.Model):
    """A lifestyle item of the plan ticked off: one row per item, day and slot (a break time, or
    "" for once-a-day items). Unique, so a double tap stores one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="habit_checks")
    plan = models.ForeignKey(PlanRecord, on_delete=models.CASCADE, related_name="habit_checks")
    item_id = models.CharField(max_length=40)
    slot = models.CharField(max_length=5, blank=True, default="")
    performed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item_id", "slot", "performed_on"], name="one_habit_check_per_slot"
            )
        ]
        indexes = [models.Index(fields=["user", "performed_on"])]


class CareEpisode(models.Model):
    """A person's episode of care: the span their outcome scores are compared in. Plan versions
    come and go inside it; the newest episode is the current one, and a new one starts only when
    the person or their clinician starts it (core/outcomes/episode.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="episodes")
    started_on = models.DateField()
    started_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_role = models.CharField(max_length=10, default="person")  # person | clinician
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]


class OutcomeRecord(models.Model):
    """One filled outcome questionnaire (NPRS, PSFS, ...) with its score; the first of each
    measure in an episode of care is that episode's baseline."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="outcomes")
    # The plan version current when the score was given (kept for the record); the episode is
    # what scores are compared in.
    plan = models.ForeignKey(PlanRecord, on_delete=models.CASCADE, related_name="outcomes")
    episode = models.ForeignKey(CareEpisode, on_delete=models.CASCADE, related_name="outcomes")
    measure = models.CharField(max_length=16)
    performed_on = models.DateField()
    answers = models.JSONField()
    total = models.FloatField(null=True)
    scales = models.JSONField(default=dict)
    # Made by an API client (POST /api/v1/outcomes): a resend stores nothing new. The pages
    # leave it empty; (user, client_id) is unique when given.
    client_id = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["performed_on", "created_at"]
        indexes = [models.Index(fields=["user", "measure", "performed_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_id"], name="outcome_client_id_once_per_user"
            )
        ]


class PostureUpload(models.Model):
    """A photo or clip sent for posture analysis. The stored file has a server-made name under the
    data folder (never a public URL); photos are re-encoded without metadata before analysis, and
    the file is deleted after it unless the person chose to keep it (RELIABILITY.md 4)."""

    STATUSES = [
        ("queued", "queued"),
        ("running", "running"),
        ("done", "done"),
        ("failed", "failed"),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="posture_uploads")
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=5)  # "photo" or "clip"
    stored_name = models.CharField(max_length=80, blank=True)  # "" once deleted
    keep_original = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=STATUSES, default="queued")
    started_at = models.DateTimeField(null=True, blank=True)
    # Runs started; a job whose worker died this often fails for good (issue 12.1: a file that
    # kills its worker must not kill every worker after it).
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)  # core PostureResult
    overlay_name = models.CharField(max_length=80, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Issue 17: measured in the person's browser (only the numbers were sent), made idempotent by
    # the id the page made; null for pictures uploaded to the server.
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_id"], name="posture_client_id_once_per_user"
            )
        ]


class CheckInRecord(models.Model):
    """A weekly check-in: the red-flag questions again, and pain."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="checkins")
    performed_on = models.DateField()
    answers = models.JSONField()
    pain_now = models.PositiveSmallIntegerField()
    pain_worst_week = models.PositiveSmallIntegerField()
    referral_level = models.CharField(max_length=16)
    referral = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_on", "-created_at"]
        indexes = [
            models.Index(fields=["user", "-performed_on"]),
            # The clinician's list reads the last 5 weeks of all their patients' check-ins: by
            # date first, PostgreSQL reads those weeks instead of scanning every check-in.
            models.Index(fields=["performed_on", "user"], name="checkin_on_user"),
        ]


class SafetyStop(models.Model):
    """The onboarding stopped at a yes that needs care now (issue 14 item 4): the safety answers
    given up to then (a question not reached has no answer) and the referral made from them.
    The newest one shows on Today until a check-in or a new intake answers every question again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="safety_stops")
    performed_on = models.DateField()
    answers = models.JSONField()
    referral_level = models.CharField(max_length=16)
    referral = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]


class AuditEvent(models.Model):
    """Who did what to which record, when (UTC); never the health data itself (RELIABILITY.md 1 V16)."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True)
    actor_id = models.BigIntegerField(null=True)  # kept after the account is deleted
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=80, blank=True)
    # Whose health data was read or written, when someone other than that person did it
    # (issue 5, ASVS 16.3.2). Null for events that touch no one's health data.
    subject_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Hash chain: each row hashes its fields and the previous row's hash, so an edited or
    # deleted row breaks the chain from there on (RELIABILITY.md 5, tamper evidence).
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # How `hash` is made (services.audit): 1 plain SHA-256 (rows from before issue 12),
    # 2 HMAC-SHA256 under a key kept out of the database.
    scheme = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["id"]


ROLES = [("person", "person"), ("clinician", "clinician"), ("admin", "admin")]


class Profile(models.Model):
    """A user's role. No row means "person": every account starts as one."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    role = models.CharField(max_length=10, choices=ROLES, default="person")
    # The id that names this person in clinician pages and the API: not guessable, unlike the
    # user's integer key (RELIABILITY.md 1, API1).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # An IANA zone name (zoneinfo), in which the person's "today" and reminder times are
    # counted; empty until chosen: the install's TIME_ZONE then (services/kernel/time_zones.py).
    time_zone = models.CharField(max_length=64, blank=True, default="")
    # A language code the pages are offered in ("en", "es"); empty until chosen: the browser's
    # Accept-Language then, else English (services/kernel/languages.py, issue 20).
    language = models.CharField(max_length=8, blank=True, default="")
    # Bumped in the same transaction as every write that changes what adherence reads (a log
    # stored or deleted, a plan version, an import): a process may keep what it computed from
    # those rows while this number is unchanged (services/kernel/versions.py, issue 19).
    program_version = models.PositiveBigIntegerField(default=0)


class CareLink(models.Model):
    """A clinician's access to one person. Made from a one-time code that either side creates and
    the other redeems; either side can end it, and access stops at once (ASVS 8.3.2)."""

    STATUSES = [("pending", "pending"), ("active", "active"), ("ended", "ended")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinician = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.CASCADE, related_name="patient_links"
    )
    patient = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.CASCADE, related_name="clinician_links"
    )
    created_by = models.CharField(max_length=10)  # "clinician" (invite) or "person" (share)
    # sha256 of the one-time code; the code itself is shown once and never stored.
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(max_length=8, choices=STATUSES, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["clinician", "status"]),
            models.Index(fields=["patient", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "patient"],
                condition=models.Q(status="active"),
                name="one_active_link_per_pair",
            )
        ]


class ApiToken(models.Model):
    """A bearer token for API clients. Only its sha256 is stored; the token is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)  # shown in lists so a person can tell tokens apart
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Refused from this moment on (issue 12 item 6): a forgotten token stops working by itself.
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class PasswordResetLink(models.Model):
    """A one-time link an admin issues so an account can set a new password without email
    (issue 14 item 17). Only the sha256 of the link's secret is stored; used once, then done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="reset_links")
    issued_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)  # also set when a newer link replaces it


class BrowserSession(models.Model):
    """Which account a browser session belongs to, for the Account page's list (issue 12 item 8).

    Django's sessions are keyed by an opaque id with the account inside the encoded data; this
    row maps the key to its account, with a short device summary and times. The public `id` is
    what a page shows and posts: the session key itself never leaves the server."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="browser_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    agent = models.CharField(max_length=120, blank=True)  # "Firefox on Linux", never the raw UA
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()


class TotpDevice(models.Model):
    """The TOTP second factor of a clinician or admin (RELIABILITY.md 1, ASVS 6.3.3)."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, primary_key=True, related_name="totp"
    )
    # base32 in Python; in the column only its Fernet token, sealed with keys kept outside the
    # database (adapters/db/sealed.py, issue 12 item 7).
    secret = SealedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last accepted time step: a code is accepted once only (replay guard, RELIABILITY.md B4).
    last_step = models.BigIntegerField(default=-1)
    recovery_hashes = models.JSONField(default=list, blank=True)  # sha256 of unused recovery codes


class AssessmentRecord(models.Model):
    """A clinician's tests (CLINICAL.md 4), per side with their values, and the intake they made."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="assessments")
    clinician = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    performed_on = models.DateField()
    document = models.JSONField()  # core Assessment
    intake = models.ForeignKey(
        IntakeRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_on", "-created_at"]
        indexes = [models.Index(fields=["user", "-performed_on"])]


class ReachPreference(models.Model):
    """How a person wants to be reached outside the open tab (issue 18). No row, or a row with
    everything off, means nothing is ever sent: every channel is the person's own opt-in."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, primary_key=True, related_name="reach"
    )
    # Local "HH:MM" (the person's time zone) of the day's bundled reminder; movement breaks add
    # their own slots on push.
    reminder_time = models.CharField(max_length=5, default="09:00")
    email_reminders = models.BooleanField(default=False)
    weekly_summary = models.BooleanField(default=False)
    # Minutes before each session in the calendar file (.ics) at which it rings; None: no alarm.
    alarm_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    # The address waiting for its verification link; only a verified one becomes User.email.
    email_pending = models.EmailField(blank=True, default="")
    email_token_hash = models.CharField(max_length=64, blank=True, default="")
    email_token_expires = models.DateTimeField(null=True, blank=True)
    email_verified = models.BooleanField(default=False)


class PushSubscription(models.Model):
    """One device's Web Push subscription (the browser's PushSubscription JSON). Removed when the
    person turns push off there, or when the push service answers that it is gone (404/410)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="push_subscriptions")
    # The push service's URL for this device: a capability, unique across accounts.
    endpoint = models.CharField(max_length=2000, unique=True)
    p256dh = models.CharField(max_length=200)  # the device's ECDH public key (base64url)
    auth = models.CharField(max_length=100)  # the device's auth secret (base64url)
    label = models.CharField(max_length=80, blank=True, default="")  # e.g. "Chrome on Linux"
    created_at = models.DateTimeField(auto_now_add=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)


class Delivery(models.Model):
    """One reminder or summary to one person on one channel for one due slot, recorded before it
    is sent: the unique key makes a second worker, or a worker restarted after a crash, find the
    row instead of sending again (issue 18)."""

    STATUSES = [
        ("sending", "sending"),
        ("retry", "waiting to retry"),
        ("sent", "sent"),
        ("failed", "failed"),
        ("dropped", "dropped"),
    ]

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8)  # push | email
    kind = models.CharField(max_length=16)  # reminder | summary
    slot = models.CharField(max_length=16)  # the person's local "YYYY-MM-DD HH:MM" it is due
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=STATUSES, default="sending")
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True, default="")  # what was (or will be) sent
    path = models.CharField(max_length=40, blank=True, default="")  # the page it opens
    error = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "kind", "slot"], name="delivery_once_per_slot"
            )
        ]
        indexes = [models.Index(fields=["status", "next_try_at"])]


class Message(models.Model):
    """One message in the conversation of a care link (issue 18): the person and the clinician
    of that link write to each other. Plain text; the link names both sides, so a message keeps
    only which side wrote it. It goes with the link (and so with either account).

    `client_id` is made by the sender's client: (link, from_person, client_id) is unique, so a
    double submit or a resend stores one message (RELIABILITY.md 6); `body_hash` tells a resend
    from another message under a reused id."""

    ABOUT_KINDS = [("exercise", "exercise"), ("log", "log"), ("outcome", "outcome")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    link = models.ForeignKey(CareLink, on_delete=models.CASCADE, related_name="messages")
    from_person = models.BooleanField()  # True: the link's patient wrote it; False: the clinician
    client_id = models.CharField(max_length=64)
    body_hash = models.CharField(max_length=64)
    body = models.TextField()
    # What the message is about (optional): an exercise id, or the id of the person's log or score.
    about_kind = models.CharField(max_length=8, choices=ABOUT_KINDS, blank=True, default="")
    about_ref = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)  # by the other side
    # Set by the clinician: this message of the person's waits for an answer.
    needs_reply = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "from_person", "client_id"], name="message_client_id_once"
            )
        ]
        indexes = [
            models.Index(fields=["link", "created_at"]),
            models.Index(fields=["link", "from_person", "read_at"]),
            # The person's messages the clinician's list counts (unread, or marked as waiting
            # for an answer): a few per link however long the conversation grows (issue 19).
            models.Index(
                fields=["link"],
                condition=models.Q(from_person=True)
                & (models.Q(read_at__isnull=True) | models.Q(needs_reply=True)),
                name="message_open_by_link",
            ),
        ]


class JobRecord(models.Model):
    """One background job by its idempotency key (services/kernel/jobs.py, issue 19). The tasks
    backend carries each try; this row says what the job is, how often it was started and how it
    ended, so a second enqueue of the same key, a retry and a crashed worker all meet one record."""

    STATES = [
        ("queued", "queued"),
        ("running", "running"),
        ("done", "done"),
        ("failed", "failed"),
    ]

    key = models.CharField(max_length=200, primary_key=True)
    body = models.CharField(max_length=200)  # dotted path of the function that does the work
    give_up = models.CharField(max_length=200, blank=True)  # called once when it fails for good
    kwargs = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=STATES, default="queued")
    tries = models.PositiveSmallIntegerField(default=0)  # starts, crashed ones included
    result_id = models.CharField(max_length=64, blank=True)  # the backend's id of the last try
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class WorkerBeat(models.Model):
    """A live `hipalign worker`: it writes `beat_at` every few seconds, so a job left running by
    a worker that stopped beating (SIGKILL, a native crash, a lost machine) is tried again."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField()
    pid = models.IntegerField()
    host = models.CharField(max_length=100, blank=True)


class ClinicMedia(models.Model):
    """A clinic's own photo or short video of one library exercise (issue 16), uploaded by a
    clinician and shown, beside the drawn demonstration, to that clinician and the people with
    an active care link to them. The file is in the `clinic_media` store under a server-made
    name (services/kernel/files.py), checked and stripped of metadata before it was stored
    (services/library/clinic_media.py). It is the clinic's, not a patient's: no person's export
    or erasure touches it."""

    KINDS = [("photo", "photo"), ("video", "video")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinician = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="clinic_media")
    exercise_id = models.CharField(max_length=60)
    kind = models.CharField(max_length=5, choices=KINDS)
    content_type = models.CharField(max_length=20)  # image/jpeg ... video/webm, as stored
    stored_name = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    duration_s = models.FloatField(null=True, blank=True)  # videos
    created_at = models.DateTimeField(auto_now_add=True)
    # The clinician's own words under it ("Knees hip-width apart"), optional; shown as is
    # (escaped) to the same people who see the file.
    caption = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["exercise_id", "clinician"])]
