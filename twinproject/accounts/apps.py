from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "twinproject.accounts"
    label = "accounts"
    verbose_name = "Accounts"
