"""Loopback TCP listeners for benchmarks: accept and close every connection.

Usage: python3 listeners.py PORTS_FILE [COUNT] [LIFETIME_SECONDS]
Writes the chosen ports, space-separated, to PORTS_FILE once listening; exits by itself after
LIFETIME_SECONDS (default 900) so a crashed benchmark never leaves it behind for long.
"""
import asyncio
import os
import sys


async def handle(reader, writer):
    writer.close()


async def main(ports_file, count, lifetime):
    servers = [await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096) for _ in range(count)]
    with open(ports_file + ".tmp", "w") as f:
        f.write(" ".join(str(s.sockets[0].getsockname()[1]) for s in servers))
    os.rename(ports_file + ".tmp", ports_file)
    await asyncio.sleep(lifetime)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10, float(sys.argv[3]) if len(sys.argv) > 3 else 900))
