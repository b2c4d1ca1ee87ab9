class ReportsRouter:
    """Everything of the `reports` app lives in the `replica` database."""

    app = "reports"

    def db_for_read(self, model, **hints):
        return "replica" if model._meta.app_label == self.app else None

    def db_for_write(self, model, **hints):
        if model._meta.app_label in ("reports",):
            return "replica"
        return None
