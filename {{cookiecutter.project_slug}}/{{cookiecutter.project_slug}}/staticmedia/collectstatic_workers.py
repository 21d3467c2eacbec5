"""The processes that collectstatic's S3 storage (static_s3.py) hands its uploads to, in
batches: botocore spends about 2 ms of CPU on each request, and a process runs on one core."""

import multiprocessing
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from django.utils.functional import cached_property

from .bucket import error_code

_worker = {}  # in each upload process: its S3 client and its threads


def send_body_at_once(request, **kwargs):
    """botocore asks before sending any body ("Expect: 100-continue") and waits for the
    answer: one more round trip per upload. The body is in memory and small: just send it."""
    if "Expect" in request.headers:
        del request.headers["Expect"]


def _start_worker(session_options, client_options, threads):
    client = boto3.Session(**session_options).client("s3", **client_options)
    client.meta.events.register("before-sign.s3.PutObject", send_body_at_once)
    _worker.update(client=client, threads=ThreadPoolExecutor(threads))


def _put(bucket, name, key, data, params):
    try:
        _worker["client"].put_object(Bucket=bucket, Key=key, Body=data, **params)
    except (BotoCoreError, ClientError) as error:
        return name, error_code(error), str(error)  # exceptions do not always pickle


def _put_batch(bucket, batch):
    """Uploads [(name, key, data, params)] in the worker's threads: [(name, code, message)]
    of those that failed."""
    results = _worker["threads"].map(lambda upload: _put(bucket, *upload), batch)
    return [failed for failed in results if failed]


class Uploads:
    """Uploads to the bucket of an S3 storage, handed `batch_size` at a time to `processes`
    processes, each with its client and `threads` threads, started at the first upload."""

    def __init__(self, storage, processes=2, threads=8, batch_size=16):
        self.bucket, self.processes, self.batch_size = storage.bucket_name, processes, batch_size
        session = {"profile_name": storage.session_profile} if storage.session_profile else {
            "aws_access_key_id": storage.access_key,
            "aws_secret_access_key": storage.secret_key,
            "aws_session_token": storage.security_token,
        }  # fmt: skip
        client = {"region_name": storage.region_name, "use_ssl": storage.use_ssl,
                  "verify": storage.verify, "endpoint_url": storage.endpoint_url,
                  "config": storage.client_config}  # fmt: skip
        self.worker_options = (session, client, threads)
        self.room = threading.BoundedSemaphore(processes * 4)  # batches in memory, waiting
        self.batch, self.handed, self.count = [], [], 0  # uploads, batches handed over, files

    @cached_property
    def pool(self):
        return ProcessPoolExecutor(
            self.processes,
            # Forked, a process starts at once. Safe here: the processes start at the first
            # upload, before this process runs any other thread. macOS needs "spawn".
            multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn"),
            initializer=_start_worker,
            initargs=self.worker_options,
        )

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
        """Waits for every upload: [(name, code, message)] of the failed ones, and how many
        there were in all."""
        self._hand_over()
        handed, self.handed = self.handed, []
        return [failed for future in handed for failed in future.result()], self.count

    def close(self):
        if pool := self.__dict__.get("pool"):
            pool.shutdown()  # waits for uploads still running after an error
