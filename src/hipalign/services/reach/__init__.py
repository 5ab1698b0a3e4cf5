"""Reaching the person outside the open tab (issue 18): Web Push, email, and the delivery of the
bundled reminder by the worker. Every channel is the person's own opt-in; nothing is sent in the
default setup until they turn one on."""
