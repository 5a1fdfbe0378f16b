"""The fake reads multipart bodies (replies with attachments) by hand: the same fields, names
and bytes as aiohttp's own reader (which the fake used before) gives for what aiohttp writes."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any
from unittest import mock

import aiohttp
import pytest
from aiohttp import MultipartReader, web
from aiohttp.streams import StreamReader

from bot.fakediscord.routing import _multipart


async def written(form: aiohttp.FormData) -> tuple[str, bytes]:
    payload = form()
    out = io.BytesIO()

    class Sink:
        async def write(self, data: bytes) -> None:
            out.write(bytes(data))

    await payload.write(Sink())  # type: ignore[arg-type]
    return str(payload.content_type), out.getvalue()


async def read_by_aiohttp(content_type: str, body: bytes) -> tuple[Any, list[dict[str, Any]]]:
    stream = StreamReader(mock.Mock(_reading_paused=False), 2**16, loop=asyncio.get_running_loop())
    stream.feed_data(body)
    stream.feed_eof()
    payload: Any = {}
    files = []
    async for part in MultipartReader({"Content-Type": content_type}, stream):
        assert isinstance(part, aiohttp.BodyPartReader)
        data = bytes(await part.read())
        if part.name == "payload_json":
            payload = json.loads(data)
        elif part.filename is not None and part.name is not None:
            files.append(
                {
                    "filename": part.filename,
                    "size": len(data),
                    "data": data,
                    "index": part.name[6:-1],
                }
            )
    return payload, files


@pytest.mark.parametrize("name", ["mood-30-days.png", 'odd "name".png', "été 😀.png", "a;b=c"])
async def test_fields_and_bytes_as_aiohttp_reads_them(name: str) -> None:
    png = bytes(range(256)) * 40 + b"\r\n--not-the-boundary\r\n"
    form = aiohttp.FormData()
    form.add_field("payload_json", '{"type": 4, "data": {"content": "hi"}}')
    form.add_field("files[0]", png, filename=name, content_type="image/png")
    form.add_field("files[1]", b"", filename="empty.txt")
    content_type, body = await written(form)
    payload, files = _multipart(content_type, body)
    assert payload == {"type": 4, "data": {"content": "hi"}}
    assert [(f["data"], f["index"]) for f in files] == [(png, "0"), (b"", "1")]
    assert (payload, files) == await read_by_aiohttp(content_type, body)


def test_a_multipart_body_without_a_boundary_is_refused() -> None:
    with pytest.raises(web.HTTPBadRequest):
        _multipart("multipart/form-data", b"")
