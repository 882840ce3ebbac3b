"""The one-time upload link: its page, the file it takes once, and what an old or used link says."""

import time

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.files import FileLinks
from bot.channels.uploads import PlanUploads

KEY = 2**52 + 7


async def serving(tmp_path):
    delivered: list[tuple[int, dict]] = []

    async def deliver(key: int, nonce: str, document: dict) -> None:
        delivered.append((key, document))

    links = FileLinks(tmp_path, b"secret", "http://chibo.test", 3600)
    uploads = PlanUploads(links, deliver)
    app = web.Application()
    uploads.add_routes(app)
    links.add_route(app)
    client = TestClient(TestServer(app))
    await client.start_server()
    return uploads, links, client, delivered


def path_of(url: str) -> str:
    return url.removeprefix("http://chibo.test")


def form(name: str, content: bytes) -> aiohttp.FormData:
    data = aiohttp.FormData()
    data.add_field("file", content, filename=name, content_type="text/plain")
    return data


async def test_the_link_takes_one_file_for_its_chat_and_then_says_it_was_used(tmp_path):
    uploads, links, client, delivered = await serving(tmp_path)
    try:
        link = uploads.issue(KEY)
        assert link.minutes == 60 and link.url.startswith("http://chibo.test/upload/")
        resp = await client.post(path_of(link.url), data=form("../../ke hoach.txt", "Kế hoạch".encode()))
        assert resp.status == 200 and "chibo đã nhận tệp «ke hoach.txt»" in await resp.text()
        [(key, document)] = delivered
        assert key == KEY and document["file_name"] == "ke hoach.txt"
        assert document["file_size"] == len("Kế hoạch".encode())
        assert links.open_url(document["file_id"]) == ("ke hoach.txt", "text/plain", "Kế hoạch".encode())
        again = await client.post(path_of(link.url), data=form("khac.txt", b"x"))
        assert again.status == 410 and "Link này đã được dùng" in await again.text()
        assert len(delivered) == 1
    finally:
        await client.close()


async def test_an_expired_link_and_a_file_link_used_as_an_upload_link_are_refused(tmp_path):
    uploads, links, client, delivered = await serving(tmp_path)
    try:
        old = uploads.issue(KEY, now=time.time() - 3601)
        for resp in (await client.get(path_of(old.url)), await client.post(path_of(old.url), data=form("a.txt", b"a"))):
            assert resp.status == 410 and "Link này đã hết hạn." in await resp.text()
        file_url = links.publish("a.txt", "text/plain", b"a")
        resp = await client.get("/upload/" + file_url.rsplit("/", 1)[1])
        assert resp.status == 404 and "Link này không đúng hoặc đã hết hạn." in await resp.text()
        assert delivered == []
    finally:
        await client.close()
