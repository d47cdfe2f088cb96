from django.apps import AppConfig


class CdpConfig(AppConfig):
    name = "cdp"
    verbose_name = "CDP Dashboard"
