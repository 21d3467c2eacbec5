"""Processes of a generated project that save under one name at the same instant, as gunicorn
workers would. Each is this file run by the project's Python with its production settings
(cwd: the project); it saves when it reads "ALIAS NAME SIZE" and answers with the name the
storage returned. The parent writes that line to every process before it reads any answer,
so all of them are waiting in readline() and start together.
"""

import json
import os
import subprocess
import sys


def payload(writer, name, size):
    """The `size` bytes writer number `writer` saves under `name`: different for each writer."""
    line = f"writer {writer} saved {name}\n".encode()
    return (line * (size // len(line) + 1))[:size]


class SameNameSavers:
    """`count` processes of `project`, with its production settings and `env`, saving when told."""

    def __init__(self, project, count, **env):
        self.project, self.count, self.env = project, count, env
        self.processes = []

    def __enter__(self):
        self.project.var.mkdir(exist_ok=True)
        for writer in range(self.count):
            log = (self.project.var / f"saver-{writer}.log").open("w")
            self.processes.append(
                subprocess.Popen(
                    [str(self.project.python), __file__, str(writer)],
                    cwd=self.project.path,
                    env=self.project.env("prod", **self.env),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
            )
            log.close()
        for writer in range(self.count):
            self._answer(writer, expect="ready")
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.kill()
            process.wait()

    def save(self, alias, name, size):
        """[(the name each writer's save returned, the bytes it saved)], one per writer."""
        for process in self.processes:
            process.stdin.write(f"{alias} {name} {size}\n")
        for process in self.processes:
            process.stdin.flush()
        return [(self._answer(writer), payload(writer, name, size)) for writer in range(self.count)]

    def _answer(self, writer, expect=None):
        line = self.processes[writer].stdout.readline()
        if not line or (expect and line.strip() != expect):
            self.processes[writer].kill()
            log = (self.project.var / f"saver-{writer}.log").read_text()
            raise AssertionError(f"saver {writer} answered {line!r}:\n{log[-3000:]}")
        return json.loads(line) if expect is None else line


def main(writer):
    sys.path.insert(0, os.getcwd())  # the project's packages, as manage.py finds them
    import django
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    django.setup()
    print("ready", flush=True)
    for line in sys.stdin:
        alias, name, size = line.split()
        saved = storages[alias].save(name, ContentFile(payload(writer, name, int(size))))
        print(json.dumps(saved), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
