class ReportsRouter:
    """Everything of the `reports` app lives in the `reports` database, nothing else does."""

    app = "reports"

    def db_for_read(self, model, **hints):
        return "reports" if model._meta.app_label == self.app else "default"

    def db_for_write(self, model, **hints):
        return "reports" if model._meta.app_label == self.app else "default"

    def allow_relation(self, obj1, obj2, **hints):
        return obj1._state.db == obj2._state.db

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == self.app:
            return db == "reports"
        return db == "default"
