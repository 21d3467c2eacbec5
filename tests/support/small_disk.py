"""A small filesystem that fills up: a tmpfs the test mounts (root only) and unmounts when the
block ends, even when the test fails; folders elsewhere (a deployment's MEDIA_ROOT and private
folder) are bind mounts of folders on it, so they fill up together."""

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path


@contextlib.contextmanager
def small_disk(size, *mount_points):
    """A tmpfs of `size` (mount's syntax: "8m"), each of `mount_points` a folder on it;
    yields the tmpfs's root. The folders are left as they were (empty) afterwards."""
    root = Path(tempfile.mkdtemp(prefix="small-disk-"))
    mounted = []
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=755", "tmpfs", root],
                       check=True, capture_output=True)  # fmt: skip
        mounted.append(root)
        for point in mount_points:
            folder = root / Path(point).name
            folder.mkdir(mode=0o755)
            subprocess.run(["mount", "--bind", folder, point], check=True, capture_output=True)
            mounted.append(point)
        yield root
    finally:
        for point in reversed(mounted):
            # Lazily: a server still holding a file open must not keep the mount behind.
            subprocess.run(["umount", "--lazy", point], check=True, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def filled(root, leave):
    """The filesystem at `root` filled, by a file outside the folders the app writes, until
    only `leave` bytes are free; the file is removed when the block ends."""
    filler = root / "filler"
    with open(filler, "wb") as file:
        file.write(b"\xff" * (shutil.disk_usage(root).free - leave))
    try:
        yield
    finally:
        filler.unlink()
