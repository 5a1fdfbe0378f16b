"""FakeDiscord: the server (REST + gateway on 127.0.0.1) with the driver API on top."""

from __future__ import annotations

import logging
from types import TracebackType

from aiohttp import web

from . import spec
from .driver import DriverMixin
from .routing import API_PREFIX, build_app

log = logging.getLogger(__name__)


class FakeDiscord(DriverMixin):
    """A local Discord for one bot. ``async with FakeDiscord() as fake:`` starts it on a random
    loopback port; ``fake.base_url`` and ``fake.gateway_url`` are then set."""

    _runner: web.AppRunner | None = None

    async def start(self) -> FakeDiscord:
        spec.preload()
        self.notify()
        self._runner = web.AppRunner(build_app(self), handle_signals=False, access_log=None)
        await self._runner.setup()
        # A deep accept backlog: with 200 concurrent interactions the default (128) overflows
        # and the kernel drops SYNs, which the client retries only after 1 s.
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}{API_PREFIX}"
        self.gateway_url = f"ws://{host}:{port}/"
        log.debug("fakediscord listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
