from django.apps import AppConfig


class FirmConfig(AppConfig):
    name = "firm"
    verbose_name = "The firm"

    def ready(self) -> None:
        from celery.signals import task_prerun
        from django.core.signals import request_started
        from django.db.models.signals import post_delete, post_save

        from firm import models
        from firm.selectors import cache_clear

        # A request or task sees the profile and calendar as they are when it starts...
        request_started.connect(cache_clear, dispatch_uid="firm.cache.request")
        task_prerun.connect(cache_clear, dispatch_uid="firm.cache.task", weak=False)
        # ...and as they are after an edit it makes itself.
        for model in (models.FirmProfile, models.FirmCalendar, models.WorkingHours, models.Closure):
            for signal in (post_save, post_delete):
                signal.connect(
                    cache_clear, sender=model, dispatch_uid=f"firm.cache.{model.__name__}"
                )
