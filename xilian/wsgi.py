import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xilian.settings")
application = get_wsgi_application()
# The URLconf imports every view module (reports' PDF and charts among them): ≈ 0.7 s of CPU. Imported here, each
# gunicorn worker pays it while booting, not in the first request it answers.
import_module(settings.ROOT_URLCONF)
