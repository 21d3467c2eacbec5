"""The processes that collectstatic's S3 storage (static_s3.py) hands its uploads to, in
batches: botocore spends about 2 ms of CPU on each request, and a process runs on one core."""

import multiprocessing
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage

from .bucket import error_code

_worker = {}  # in each upload process: its S3 client and its threads


def _send_body_at_once(request, **kwargs):
    # botocore asks first ("Expect: 100-continue") and waits for the answer: one more round
    # trip per upload, for a body that is small and in memory.
    del request.headers["Expect"]


def _start_worker(storage, threads):
    client = storage.connection.meta.client  # made as the storage makes its own
    client.meta.events.register("before-sign.s3.PutObject", _send_body_at_once)
    _worker.update(client=client, threads=ThreadPoolExecutor(threads))


def _put(bucket, name, key, data, params):
    try:
        _worker["client"].put_object(Bucket=bucket, Key=key, Body=data, **params)
    except (BotoCoreError, ClientError) as error:
        return name, error_code(error), str(error)  # exceptions do not always pickle


def _put_batch(bucket, batch):
    """[(name, code, message)] of the uploads in `batch` that failed."""
    return [f for f in _worker["threads"].map(lambda u: _put(bucket, *u), batch) if f]


class Uploads:
    """Uploads to an S3 storage's bucket, handed `batch_size` at a time to `processes`
    processes of `threads` threads each, started at the first upload."""

    def __init__(self, storage, processes=2, threads=8, batch_size=16):
        # The same options in a plain S3Storage, which pickles (to reach a spawned process).
        options = {name: getattr(storage, name) for name in storage.get_default_settings()}
        self.pool = ProcessPoolExecutor(
            processes,
            # Forked, a process starts at once; safe, as the processes start at the first
            # upload, before this process runs any other thread. macOS needs "spawn".
            multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn"),
            initializer=_start_worker,
            initargs=(S3Storage(**options), threads),
        )
        self.bucket, self.batch_size = storage.bucket_name, batch_size
        self.room = threading.BoundedSemaphore(processes * 4)  # batches in memory, waiting
        self.batch, self.handed, self.count = [], [], 0  # uploads, batches handed over, files

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

    def close(self):
        self.pool.shutdown()  # waits for uploads still running after an error
