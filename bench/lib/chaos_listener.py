"""Targets for bench/chaos, logging 'EPOCH_SECONDS PEER' per accepted connection to LOGFILE:
TCP_PORT accepts and closes; HTTP_PORT answers any request with 200 after DELAY seconds, so a
batch is in flight long enough for a fault to land in the middle of it.
Usage: chaos_listener.py ADDRESS TCP_PORT HTTP_PORT DELAY LOGFILE. Prints "ready"; runs until killed."""
import socket
import sys
import threading
import time

address, tcp_port, http_port, delay, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
log = open(path, "a", buffering=1)
lock = threading.Lock()


def listen(port):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((address, port))
    server.listen(4096)
    return server


def record(peer):
    with lock:
        log.write(f"{time.time():.3f} {peer[0]}\n")


def slow(conn):
    try:
        conn.settimeout(30)
        conn.recv(65536)
        time.sleep(delay)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def serve_http(server):
    while True:
        conn, peer = server.accept()
        record(peer)
        threading.Thread(target=slow, args=(conn,), daemon=True).start()


tcp, http = listen(tcp_port), listen(http_port)
threading.Thread(target=serve_http, args=(http,), daemon=True).start()
print("ready", flush=True)
while True:
    conn, peer = tcp.accept()
    record(peer)
    conn.close()
