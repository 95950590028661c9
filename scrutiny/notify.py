"""GOV.UK Notify as a Django email backend (``EMAIL_DELIVERY=notify``).

Notify sends from the council's Notify service, not from ``DEFAULT_FROM_EMAIL``, and draws its
own HTML: each recipient of a message becomes one notification of the council's template,
whose subject is ``((subject))`` and whose body is ``((body))``, filled with the message's
subject and its plain-text body (the HTML alternative is not sent)."""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyEmailBackend(BaseEmailBackend):
    """Sends each message through ``NotificationsAPIClient.send_email_notification``. A
    refusal by Notify or a failed request (``APIError``, ``HTTPError`` among them) is raised
    unless ``fail_silently``; the count returned is of the messages sent to every recipient."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        template_id: str | None = None,
        timeout: int | None = None,
        fail_silently: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.api_key = api_key or settings.NOTIFY_API_KEY
        self.template_id = template_id or settings.NOTIFY_TEMPLATE_ID
        self.timeout = timeout or settings.EMAIL_TIMEOUT
        self.client: NotificationsAPIClient | None = None

    def open(self) -> bool:
        """Make the client (no request is made until a message is sent)."""
        if self.client is not None:
            return False
        self.client = NotificationsAPIClient(self.api_key, timeout=self.timeout)
        return True

    def close(self) -> None:
        self.client = None

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        new_client = self.open()
        sent = 0
        try:
            for message in email_messages:
                if not message.recipients():
                    continue
                if message.attachments:
                    raise ValueError("GOV.UK Notify sends no attachments through this backend.")
                message.message()  # the header checks every Django backend makes
                try:
                    for address in message.recipients():
                        self.client.send_email_notification(
                            email_address=address,
                            template_id=self.template_id,
                            personalisation={"subject": message.subject, "body": message.body},
                        )
                except APIError:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        finally:
            if new_client:
                self.close()
        return sent
