from __future__ import annotations

from django.core.management.base import BaseCommand

from twinproject.demo import DEMO_DOMAIN, demo_seed


class Command(BaseCommand):
    help = "Seed the demo tenant (demo.localhost) with an owner, a token and a twin; safe to run again."

    def handle(self, *args, **options) -> None:
        creds = demo_seed()
        base = f"http://{DEMO_DOMAIN}:8000"
        self.stdout.write(
            "\nDemo ready\n"
            f"  admin     {creds['ADMIN_URL']}  (login {creds['OWNER_LOGIN']} / {creds['OWNER_PASSWORD']})\n"
            f"  review    {creds['ADMIN_URL']}review/reviewitem/  (the turns waiting for the owner)\n"
            f"  token     {creds['OWNER_TOKEN']}\n"
            f"  twin      {creds['TWIN_ID']}\n"
            f"  try       curl -H 'Authorization: Token {creds['OWNER_TOKEN']}' {base}/twins/\n"
            f"  chat key  {creds['CHAT_KEY']}  (a visitor's key: it can only chat with this twin)\n"
            f"  chat      curl -H 'Authorization: Token {creds['CHAT_KEY']}' -H 'Content-Type: application/json' \\\n"
            f'              -d \'{{"content": "Does Maya hold office hours?"}}\' \\\n'
            f"              {base}/twins/{creds['TWIN_ID']}/conversations/{creds['CONVERSATION_ID']}/messages\n"
            f"  new chat  curl -H 'Authorization: Token {creds['CHAT_KEY']}' -H 'Content-Type: application/json' \\\n"
            f"              -d '{{}}' {base}/twins/{creds['TWIN_ID']}/conversations\n"
        )
