from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "raccord.tracking"
    label = "tracking"
    verbose_name = "Suivi"

    def ready(self) -> None:
        from raccord.tracking.notify import desk_notify_on_event
        from raccord.tracking.services import event_recorded

        # The audit chain does not know the outbox: the outbox listens to it.
        event_recorded.connect(desk_notify_on_event, dispatch_uid="desk_notify_on_event")
