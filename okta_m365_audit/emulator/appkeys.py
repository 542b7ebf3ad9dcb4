"""Typed aiohttp application keys shared by the emulated services."""

from aiohttp import web

BASE_URL = web.AppKey("base_url", str)  #: https://127.0.0.1:PORT of this service
TENANT_ID = web.AppKey("tenant_id", str)  #: the emulated M365 tenant's id
