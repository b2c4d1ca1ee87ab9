from shop.models import Customer


async def register(email):
    return await Customer.objects.acreate(email=email)


async def welcome(email):
    """Two levels down: register() does the writing."""
    return await register(email)


async def render_banner():
    return "hello"
