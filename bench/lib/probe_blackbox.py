"""Drives prometheus-blackbox-exporter like a scraper would: COUNT /probe requests (module tcp_connect),
at most CONCURRENCY at once, targets 127.0.0.1:PORT round-robin over PORTS.

Usage: python3 probe_blackbox.py EXPORTER_HOST:PORT PORTS COUNT CONCURRENCY
Prints "ok=N failed=N elapsed_ms=N"; exits 1 if any probe failed. Every request has a 30 s deadline.
"""
import asyncio
import sys
import time


async def probe(host, port, target, limit):
    async with limit:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 30)
        try:
            request = f"GET /probe?module=tcp_connect&target={target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            writer.write(request.encode())
            await writer.drain()
            body = await asyncio.wait_for(reader.read(-1), 30)
        finally:
            writer.close()
        return b"\nprobe_success 1" in body


async def main(exporter, ports, count, concurrency):
    host, port = exporter.rsplit(":", 1)
    ports = ports.split(",")
    limit = asyncio.Semaphore(concurrency)
    start = time.monotonic()
    results = await asyncio.gather(*(probe(host, int(port), f"127.0.0.1:{ports[i % len(ports)]}", limit) for i in range(count)), return_exceptions=True)
    elapsed = (time.monotonic() - start) * 1000
    ok = sum(1 for r in results if r is True)
    print(f"ok={ok} failed={count - ok} elapsed_ms={elapsed:.0f}")
    return 0 if ok == count else 1


if __name__ == "__main__":
    count, concurrency = int(sys.argv[3]), int(sys.argv[4])
    if count > 100_000 or concurrency > 4096:
        sys.exit("refusing unbounded sizes")
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], count, concurrency)))
