"""Loopback TCP listeners for benchmarks: accept and close every connection.

Usage: python3 listeners.py PORTS_FILE [COUNT] [LIFETIME_SECONDS]
Writes the chosen ports, space-separated, to PORTS_FILE once listening; exits by itself after
LIFETIME_SECONDS (default 900) so a crashed benchmark never leaves it behind for long.
Each accepted connection is closed at once (no per-connection object), so a burst of tens of
thousands of connections never piles up open descriptors.
"""
import os
import selectors
import socket
import sys
import time


def main(ports_file, count, lifetime):
    selector = selectors.DefaultSelector()
    listeners = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(4096)
        s.setblocking(False)
        selector.register(s, selectors.EVENT_READ)
        listeners.append(s)
    with open(ports_file + ".tmp", "w") as f:
        f.write(" ".join(str(s.getsockname()[1]) for s in listeners))
    os.rename(ports_file + ".tmp", ports_file)

    deadline = time.monotonic() + lifetime
    while (left := deadline - time.monotonic()) > 0:
        for key, _ in selector.select(timeout=min(left, 1.0)):
            # Drain the accept queue, at most 1,000 per wake-up so every port gets its turn.
            for _ in range(1000):
                try:
                    connection, _ = key.fileobj.accept()
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    # Out of descriptors or similar: the kernel keeps the rest queued; retry next round.
                    break
                connection.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10, float(sys.argv[3]) if len(sys.argv) > 3 else 900)
