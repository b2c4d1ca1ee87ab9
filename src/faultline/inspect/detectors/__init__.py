"""The detectors, one module per rule: each is `check(ctx) -> iterable of Finding`."""

from faultline.inspect.detectors import async_orm, commits, databases, explicit_pk, factory_constants, reuse_db, supercalls

DETECTORS = {
    "FL001": supercalls.check,
    "FL002": explicit_pk.check,
    "FL003": factory_constants.check,
    "FL004": async_orm.check,
    "FL005": databases.check,
    "FL006": reuse_db.check,
    "FL007": commits.check,
}
