"""Following a listing's pages safely: the same rules for ARM and Microsoft Graph ``nextLink``\\ s,
Resource Graph ``$skipToken``\\ s and Google ``nextPageToken``\\ s.

An endpoint decides where the next page is, so a broken or hostile one could keep the audit paging
forever (a link that points to itself, a token that comes back) or send the bearer token to another
host (a link to somewhere else). A :class:`PageTrail` follows one listing and refuses:

- a link or token already followed in this listing,
- a link to another scheme or host than the endpoint the listing started on,
- more pages than ``max_pages`` (:class:`auditor.network.NetworkLimits`, ``AUDITOR_MAX_PAGES``).

Each refusal raises :class:`PagingRefused`; the adapters turn it into a gap for what the listing
would have produced (UNKNOWN with the cause), never a partial listing taken as complete.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from auditor.network import NetworkLimits

ERROR_CODE = "PagingRefused"


class PagingRefused(Exception):
    """A next page the trail will not follow; the message says why, in Japanese and English."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"{ja}（{en}）")
        self.ja = ja
        self.en = en


class PageTrail:
    """The pages one listing has followed so far (one trail per listing; not shared between threads)."""

    def __init__(self, first: str = "", max_pages: int | None = None) -> None:
        self._origin = _origin(first) if "://" in first else None
        self._seen: set[str] = {first} if first else set()
        self._pages = 1
        self._max_pages = max_pages if max_pages is not None else NetworkLimits.from_environ().max_pages

    @property
    def pages(self) -> int:
        return self._pages

    def next_link(self, link: str) -> str:
        """Check an absolute next-page link before it is requested; returns it unchanged."""
        if self._origin is not None and _origin(link) != self._origin:
            scheme, host = _origin(link)
            raise PagingRefused(
                f"次ページのリンクが監査先のエンドポイント（{self._origin[0]}://{self._origin[1]}）以外を指すため"
                f"ページングを打ち切り: {scheme}://{host}",
                f"paging stopped: the next link points to {scheme}://{host}, not to the endpoint audited "
                f"({self._origin[0]}://{self._origin[1]})",
            )
        return self._follow(link, "リンク", "link")

    def next_token(self, token: str) -> str:
        """Check a continuation token before the next page is asked for with it; returns it unchanged."""
        return self._follow(token, "トークン", "token")

    def _follow(self, step: str, what_ja: str, what_en: str) -> str:
        if step in self._seen:
            raise PagingRefused(
                f"次ページの{what_ja}が読み取り済みのページを再び指すため"
                f"ページングを打ち切り（{self._pages} ページ目）",
                f"paging stopped: the next-page {what_en} repeats one already followed (after page {self._pages})",
            )
        if self._pages >= self._max_pages:
            raise PagingRefused(
                f"ページ数が上限 {self._max_pages} に達したためページングを打ち切り（AUDITOR_MAX_PAGES で変更可）",
                f"paging stopped after the limit of {self._max_pages} pages (AUDITOR_MAX_PAGES changes it)",
            )
        self._seen.add(step)
        self._pages += 1
        return step


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
