"""What idle event streams cost the preview: `python -m bench.streams [STREAMS] [SECONDS]`.

Starts `briefing preview` on a new project on 127.0.0.1, lets its first build finish, opens
STREAMS event streams (as that many open pages would), and prints the CPU time the server
process spends while nothing changes for SECONDS.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from briefing.new import new_project

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """The user and system time of the process pid (not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def open_stream(port: int) -> socket.socket:
    """An event stream whose first event has arrived."""
    stream = socket.create_connection(("127.0.0.1", port), timeout=30)
    stream.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    received = b""
    while b"data:" not in received:
        chunk = stream.recv(4096)
        assert chunk, "the stream closed"
        received += chunk
    return stream


def main(streams: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as work:
        project = Path(work) / "brief"
        new_project(project)
        server = subprocess.Popen(
            [sys.executable, "-m", "briefing", "preview", str(project), "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None
        found = re.search(r"127\.0\.0\.1:(\d+)/", server.stdout.readline())
        assert found, "the preview did not start"
        port = int(found[1])
        while "PDF typeset" not in server.stdout.readline():
            pass
        opened = [open_stream(port) for _ in range(streams)]
        time.sleep(1)  # the streams settle
        before = cpu_seconds(server.pid)
        time.sleep(seconds)
        used = cpu_seconds(server.pid) - before
        share = f"{used / seconds:.1%} of a core"
        print(f"{streams} idle streams for {seconds:.0f} s: {used:.2f} s of CPU ({share})")
        for stream in opened:
            stream.close()
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 500,
        float(sys.argv[2]) if len(sys.argv) > 2 else 10,
    )
