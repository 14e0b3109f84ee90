"""A user-space stand-in for `tc netem delay D loss L` on kernels without sch_netem.

It opens a TUN device in the current network namespace and writes every packet it reads back into
the same device D milliseconds later, dropping L percent of them (seeded, so a chaos run replays).
The caller routes the packets to be delayed into the device (`ip rule ... lookup T`, table T with
`default dev TUN`) and sends the re-injected ones (`iif TUN`) on through the main table. Packets
keep their order: the delay is the same for all, so a FIFO is enough.

Usage: python3 delay_line.py TUN DELAY_MS LOSS_PERCENT SEED   (prints "ready" once the device is up)
"""
import collections
import fcntl
import os
import random
import select
import signal
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
MAX_QUEUED = 20000  # a bound, not a tuning knob: the chaos estate sends a few hundred packets a second


def main():
    name, delay_ms, loss_percent, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    subprocess.run(["ip", "link", "set", name, "up"], check=True)
    for key in ("rp_filter", "accept_local"):
        value = "0" if key == "rp_filter" else "1"
        subprocess.run(["sysctl", "-qw", f"net.ipv4.conf.{name}.{key}={value}"], check=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)

    delay = delay_ms / 1000.0
    queue = collections.deque()
    passed = dropped = 0
    try:
        while True:
            timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else 1.0
            readable, _, _ = select.select([fd], [], [], timeout)
            if readable:
                while True:
                    try:
                        packet = os.read(fd, 65535)
                    except BlockingIOError:
                        break
                    if rng.random() * 100 < loss_percent or len(queue) >= MAX_QUEUED:
                        dropped += 1
                    else:
                        queue.append((time.monotonic() + delay, packet))
            now = time.monotonic()
            while queue and queue[0][0] <= now:
                os.write(fd, queue.popleft()[1])
                passed += 1
    finally:
        print(f"delay line {name}: {passed} packets delayed by {delay_ms} ms, {dropped} dropped", flush=True)


if __name__ == "__main__":
    main()
