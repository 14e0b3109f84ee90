"""Plain TCP listeners (accept, then close) and a UDP echo on one address (IPv4 or IPv6), for the zones
and IPv6 tests.

Usage: listeners.py ADDRESS TCP_PORT... [--udp UDP_PORT...]
Prints "ready" once every socket listens. Runs until killed (netns.sh bounds it with timeout).
"""
import selectors
import socket
import sys

address = sys.argv[1]
args = sys.argv[2:]
split = args.index("--udp") if "--udp" in args else len(args)
tcp_ports = [int(p) for p in args[:split]]
udp_ports = [int(p) for p in args[split + 1:]]
family = socket.AF_INET6 if ":" in address else socket.AF_INET

selector = selectors.DefaultSelector()
for port in tcp_ports:
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((address, port))
    server.listen(4096)
    selector.register(server, selectors.EVENT_READ, "tcp")
for port in udp_ports:
    server = socket.socket(family, socket.SOCK_DGRAM)
    server.bind((address, port))
    selector.register(server, selectors.EVENT_READ, "udp")
print("ready", flush=True)

while True:
    for key, _ in selector.select():
        if key.data == "tcp":
            connection, _ = key.fileobj.accept()
            connection.close()
        else:
            data, peer = key.fileobj.recvfrom(2048)
            key.fileobj.sendto(b"echo:" + data, peer)
