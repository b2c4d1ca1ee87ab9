"""FL003: a factory_boy factory that gives a unique model field the same value every time."""

from __future__ import annotations

import ast

from faultline.inspect.context import Context

NOT_CONSTANT = object()


def constant(expr: ast.expr):
    """The value of a literal declaration (`"ADMIN"`, `7`, `f"admin"`), else NOT_CONSTANT."""
    if isinstance(expr, ast.Constant) and expr.value is not None and expr.value is not Ellipsis:
        return expr.value
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub) and isinstance(expr.operand, ast.Constant):
        return -expr.operand.value if isinstance(expr.operand.value, (int, float)) else NOT_CONSTANT
    if isinstance(expr, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in expr.values):
        return "".join(v.value for v in expr.values)
    return NOT_CONSTANT


def _safe_lookup(factory, fields: tuple[str, ...]) -> bool:
    """get-or-create makes repeats harmless when its lookup finds the same row every time."""
    lookup = factory.get_or_create
    if not lookup:
        return False
    if lookup & set(fields):
        return True
    declared = [factory.declarations.get(name) for name in lookup]
    return all(d is not None and constant(d[1]) is not NOT_CONSTANT for d in declared)


def check(ctx: Context):
    reported = set()
    for factory in ctx.factories.all:
        model = factory.model
        if factory.abstract or model is None:
            continue
        for fields in model.unique:
            declared = [factory.declarations.get(name) for name in fields]
            if None in declared:
                continue  # a field the factory leaves to its caller or the model default
            values = [constant(value) for _, value in declared]
            if NOT_CONSTANT in values or _safe_lookup(factory, fields):
                continue
            where, node = declared[0]
            if id(node) in reported:
                continue
            reported.add(id(node))
            columns = [model.columns.get(name, name) for name in fields]
            shown = ", ".join(repr(v) for v in values)
            table = f" ({model.table})" if model.table else ""
            if len(fields) == 1:
                what = f"`{where.name}.{fields[0]}` is always {shown}, but `{model.name}.{fields[0]}` is unique{table}"
            else:
                what = (f"`{where.name}` always sets ({', '.join(fields)}) to ({shown}), a unique combination "
                        f"of `{model.name}`{table}")
            via = f" (inherited by `{factory.cls.name}`)" if where is not factory.cls else ""
            message = (f"{what}{via}: the second object it creates, in one test or through a SubFactory, "
                       "fails with a duplicate key")
            yield ctx.finding(
                where.module, node, "FL003", message,
                table=model.table, columns=columns, value=", ".join(str(v) for v in values),
            )
