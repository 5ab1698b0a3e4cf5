import os

from django.core.wsgi import get_wsgi_application

# Issue 12.16: files this process makes in the data folder are its owner's only, also when a
# WSGI server other than `hipalign serve` loads the app.
os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipalign.web.settings")
application = get_wsgi_application()
