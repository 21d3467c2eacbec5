"""Processes for the uploads of static_s3.py: botocore spends 2 ms of CPU on each request."""

import multiprocessing
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage

from .bucket import error_code

_worker = {}  # in each upload process: its S3 client and its threads


def _send_body_at_once(request, **kwargs):
    del request.headers["Expect"]  # botocore would wait for "100 Continue": one more round trip


def _start_worker(storage, threads):
    client = storage.connection.meta.client  # made as the storage makes its own
    client.meta.events.register("before-sign.s3.PutObject", _send_body_at_once)
    _worker.update(client=client, threads=ThreadPoolExecutor(threads))


def _put_batch(bucket, batch):
    """[(name, code, message)] of the uploads in `batch` that failed."""

    def put(name, key, data, params):
        try:
            _worker["client"].put_object(Bucket=bucket, Key=key, Body=data, **params)
        except (BotoCoreError, ClientError) as error:
            return name, error_code(error), str(error)  # exceptions do not always pickle

    return [failed for failed in _worker["threads"].map(lambda u: put(*u), batch) if failed]


class Uploads:
    """Uploads handed `batch_size` at a time to `processes` processes of `threads` threads."""

    def __init__(self, storage, processes=2, threads=8, batch_size=16):
        # Forked, a process starts at once (safe: before this process runs another thread);
        # macOS needs "spawn", which pickles this plain S3Storage with the same options.
        plain = S3Storage(**{o: getattr(storage, o) for o in storage.get_default_settings()})
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        self.pool = ProcessPoolExecutor(processes, context, _start_worker, (plain, threads))
        self.bucket, self.batch_size = storage.bucket_name, batch_size
        self.batch, self.handed, self.count = [], [], 0
        self.room = threading.BoundedSemaphore(processes * 4)  # batches in memory, waiting

    def add(self, name, key, data, params):
        self.batch.append((name, key, data, params))
        if len(self.batch) >= self.batch_size:
            self._hand_over()

    def _hand_over(self):
        batch, self.batch = self.batch, []
        if batch:
            self.room.acquire()
            self.handed.append(self.pool.submit(_put_batch, self.bucket, batch))
            self.handed[-1].add_done_callback(lambda _: self.room.release())
            self.count += len(batch)

    def wait(self):
        """[(name, code, message)] of the uploads that failed, and how many there were."""
        self._hand_over()
        handed, self.handed = self.handed, []
        return [failed for future in handed for failed in future.result()], self.count
