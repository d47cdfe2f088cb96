"""The HTTP client for Fingertips' public API: what changed, and an indicator's CSV.

Taken from the server's public source (ukhsa-collaboration/fingertips-open,
PholioVisualisationWS/ServicesWeb/Controllers) and its public clients (ropensci/fingertipsR,
ukhsa-collaboration/PHDS_fingertips_py):

- `indicator_metadata/by_indicator_id?indicator_ids=…` answers JSON, a dictionary keyed by
  indicator id (IndicatorMetadataController: `Dictionary<int, IndicatorMetadata>`); each
  entry's `DataChange.LastUploadedAt` is when its data last changed (fingertipsR's
  `indicator_update_information` reads exactly that). At most 100 ids a call.
- `all_data/csv/by_indicator_id?indicator_ids=…&child_area_type_id=…&parent_area_type_id=…`
  answers the download's CSV. The server sends it as `application/octet-stream` with a
  Content-Length (FileResponseBuilder), so that type is a CSV here; an HTML or JSON page
  (a proxy's error page) is not. fingertipsR adds `include_sortable_time_periods=yes` and a
  `timestamp` against stale caches.

Every call has a connect and a read timeout, and is tried FINGERTIPS_ATTEMPTS times with
exponential backoff and full jitter (tenacity). A CSV is streamed to a file the caller
gives, never held in memory, and checked whole: its length as announced, a final line
ending, the same number of fields on every line, the indicator asked for. A download that
fails any check raises FetchFailed: the caller writes nothing.
"""

from __future__ import annotations

import codecs
import csv
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

import requests
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

BATCH_IDS = 100
CHUNK_BYTES = 64 * 1024
CSV_TYPES = frozenset({"text/csv", "application/csv", "application/octet-stream",
                       "text/plain", "application/vnd.ms-excel"})
REQUIRED_COLUMNS = ("Indicator ID", "Area Code", "Time period", "Value")
USER_AGENT = "cdp-dashboard-fingertips-sync/1"


class FetchFailed(Exception):
    """Fingertips could not be asked, or answered something unusable. Nothing was kept."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _TryAgain(FetchFailed):
    """A fault that may pass: a timeout, a dropped connection, a 5xx, an error page."""


@dataclass(frozen=True)
class Download:
    url: str
    size: int
    rows: int


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH_IDS):
        yield ids[start:start + BATCH_IDS]


def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _check_status(response: requests.Response, what: str) -> None:
    status = response.status_code
    if status >= 500 or status in (408, 429):
        raise _TryAgain(f"Fingertips answered {status} to {what}")
    if status != 200:
        raise FetchFailed(f"Fingertips answered {status} to {what}")


class FingertipsClient:
    def __init__(
        self,
        *,
        base_url: str,
        connect_timeout: float = 10,
        read_timeout: float = 60,
        download_timeout: float = 600,
        attempts: int = 5,
        retry_seconds: float = 2,
        retry_max_seconds: float = 60,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = (connect_timeout, read_timeout)
        self.download_timeout = download_timeout
        self.attempts = max(1, attempts)
        self.retry_seconds = retry_seconds
        self.retry_max_seconds = retry_max_seconds
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    @classmethod
    def from_settings(cls) -> FingertipsClient:
        from django.conf import settings

        return cls(
            base_url=settings.FINGERTIPS_API_URL,
            connect_timeout=settings.FINGERTIPS_CONNECT_TIMEOUT,
            read_timeout=settings.FINGERTIPS_READ_TIMEOUT,
            download_timeout=settings.FINGERTIPS_DOWNLOAD_TIMEOUT,
            attempts=settings.FINGERTIPS_ATTEMPTS,
            retry_seconds=settings.FINGERTIPS_RETRY_SECONDS,
            retry_max_seconds=settings.FINGERTIPS_RETRY_MAX_SECONDS,
        )

    def _retrying(self) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_random_exponential(multiplier=self.retry_seconds,
                                         max=self.retry_max_seconds),
            retry=retry_if_exception_type(_TryAgain),
            sleep=self.sleep,
            reraise=True,
        )

    def _get(self, path: str, params: dict, *, stream: bool = False) -> requests.Response:
        try:
            return self.session.get(self.base_url + path, params=params, timeout=self.timeout,
                                    stream=stream)
        except requests.Timeout:
            raise _TryAgain(f"Fingertips did not answer {path} within the timeout") from None
        except requests.RequestException as error:
            raise _TryAgain(f"Fingertips could not be reached for {path} "
                            f"({type(error).__name__})") from None

    # --- What changed ---------------------------------------------------------------------
    def last_uploaded(self, indicator_ids: Iterable[int]) -> dict[int, str | None]:
        """Each indicator's DataChange.LastUploadedAt as published ('' if it has none);
        an indicator Fingertips does not know is left out. Raises FetchFailed."""
        ids = sorted(set(indicator_ids))
        found: dict[int, str | None] = {}
        for batch in _batches(ids):
            found.update(self._retrying()(self._metadata, batch))
        return found

    def _metadata(self, ids: list[int]) -> dict[int, str]:
        response = self._get("indicator_metadata/by_indicator_id",
                             {"indicator_ids": ",".join(map(str, ids))})
        what = "indicator_metadata/by_indicator_id"
        with response:
            _check_status(response, what)
            if "json" not in _media_type(response):
                raise _TryAgain(f"Fingertips answered {what} with "
                                f"{_media_type(response) or 'no content type'}, not JSON")
            try:
                answer = response.json()
            except ValueError:
                raise _TryAgain(f"Fingertips' answer to {what} is not whole JSON") from None
        if not isinstance(answer, dict):
            raise FetchFailed(f"Fingertips' answer to {what} is not a dictionary of indicators")
        found = {}
        for key, entry in answer.items():
            if not (str(key).isdigit() and isinstance(entry, dict)):
                continue
            change = entry.get("DataChange") or {}
            found[int(key)] = str(change.get("LastUploadedAt") or "")
        return {i: found[i] for i in ids if i in found}

    # --- An indicator's data ----------------------------------------------------------------
    def download_csv(self, *, indicator_id: int, child_area_type_id: int,
                     parent_area_type_id: int, into: BinaryIO, max_bytes: int) -> Download:
        """Streams the indicator's CSV into `into` (emptied first) and checks it whole.
        Raises FetchFailed, leaving `into` holding nothing to be used."""
        params = {
            "indicator_ids": indicator_id,
            "child_area_type_id": child_area_type_id,
            "parent_area_type_id": parent_area_type_id,
            "include_sortable_time_periods": "yes",
            "timestamp": int(time.time()),
        }
        return self._retrying()(self._download, indicator_id, params, into, max_bytes)

    def _download(self, indicator_id: int, params: dict, into: BinaryIO,
                  max_bytes: int) -> Download:
        what = f"the CSV of indicator {indicator_id}"
        into.seek(0)
        into.truncate()
        deadline = time.monotonic() + self.download_timeout
        response = self._get("all_data/csv/by_indicator_id", params, stream=True)
        with response:
            _check_status(response, what)
            media = _media_type(response)
            if media not in CSV_TYPES:
                raise _TryAgain(f"Fingertips answered {what} with {media or 'no content type'}"
                                f", not a CSV file")
            size = self._stream(response, into, what, deadline, max_bytes)
            url = response.url
        rows = check_csv(into, indicator_id)
        into.seek(0)
        return Download(url=url, size=size, rows=rows)

    def _stream(self, response: requests.Response, into: BinaryIO, what: str,
                deadline: float, max_bytes: int) -> int:
        size = 0
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed(f"{what} is larger than {max_bytes // 1024 // 1024} MB")
                if time.monotonic() > deadline:
                    raise _TryAgain(f"{what} took longer than {self.download_timeout:g} s")
                into.write(chunk)
        except requests.Timeout:
            raise _TryAgain(f"Fingertips stopped sending {what} (timeout)") from None
        except requests.RequestException as error:
            raise _TryAgain(f"{what} was cut short ({type(error).__name__})") from None
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) != size and not response.headers.get(
                "Content-Encoding"):
            raise _TryAgain(f"{what} was cut short: {size} of {announced} bytes")
        return size


def check_csv(file: BinaryIO, indicator_id: int) -> int:
    """Reads the CSV in `file` through once, in constant memory, and returns its rows.
    Raises _TryAgain unless it is whole: a header with the columns the import reads (by
    name: order and extra columns do not matter), the same number of fields on every line,
    a line ending at the end, and only the indicator asked for."""
    file.seek(0)
    what = f"the CSV of indicator {indicator_id}"
    file.seek(0, 2)
    end = file.tell()
    if end == 0:
        raise _TryAgain(f"{what} is empty")
    file.seek(end - 1)
    if file.read(1) not in (b"\n", b"\r"):
        raise _TryAgain(f"{what} was cut short: its last line is not whole")
    file.seek(0)
    text = codecs.getreader("utf-8-sig")(file, errors="strict")
    try:
        reader = csv.reader(text, strict=True)
        header = next(reader, [])
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise _TryAgain(f"{what} lacks the column{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing)}: it is not a Fingertips download")
        id_at, rows = header.index("Indicator ID"), 0
        for fields in reader:
            if not fields:
                continue
            rows += 1
            if len(fields) != len(header):
                raise _TryAgain(f"{what} was cut short or damaged: line {reader.line_num} "
                                f"has {len(fields)} fields, the header {len(header)}")
            if fields[id_at].strip() != str(indicator_id):
                raise FetchFailed(f"{what} holds indicator {fields[id_at]!r} on line "
                                  f"{reader.line_num}")
    except (csv.Error, UnicodeDecodeError) as error:
        raise _TryAgain(f"{what} is not a whole CSV file ({error})") from None
    if not rows:
        raise FetchFailed(f"{what} has its headings but no rows")
    return rows
