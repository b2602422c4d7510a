"""The application's URLs plus the baseline of benchmarks/scale.py: a minimal view behind
the sign-in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def ping(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/ping/", ping), path("", include("mbc_site.urls"))]
