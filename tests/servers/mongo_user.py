#!/usr/bin/env python3
"""Creates the tests' MongoDB user on a mongod started without --auth, then shuts that mongod down
(start.sh restarts it with --auth). The localhost exception would only allow a first user with the
root role, and the tests need a user limited to one database.

There is no mongo shell on the test machine, so this speaks the wire protocol (OP_MSG) directly.
Usage: mongo_user.py PORT USER PASSWORD DATABASE
"""
import socket
import struct
import sys


def cstring(text):
    return text.encode() + b"\x00"


def element(name, value):
    if isinstance(value, bool):
        return b"\x08" + cstring(name) + (b"\x01" if value else b"\x00")
    if isinstance(value, int):
        return b"\x10" + cstring(name) + struct.pack("<i", value)
    if isinstance(value, str):
        data = value.encode() + b"\x00"
        return b"\x02" + cstring(name) + struct.pack("<i", len(data)) + data
    if isinstance(value, dict):
        return b"\x03" + cstring(name) + document(value)
    if isinstance(value, list):
        return b"\x04" + cstring(name) + document({str(i): v for i, v in enumerate(value)})
    raise TypeError(type(value))


def document(fields):
    body = b"".join(element(k, v) for k, v in fields.items()) + b"\x00"
    return struct.pack("<i", len(body) + 4) + body


def command(port, fields, expect_reply=True):
    payload = struct.pack("<I", 0) + b"\x00" + document(fields)
    header = struct.pack("<iiii", 16 + len(payload), 1, 0, 2013)
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(header + payload)
        reply = b""
        while len(reply) < 4 or len(reply) < struct.unpack("<i", reply[:4])[0]:
            chunk = s.recv(65536)
            if not chunk:
                if not expect_reply:
                    return b""
                raise SystemExit("mongod closed the connection")
            reply += chunk
    return reply[16 + 5:]


def main():
    port, user, password, database = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    reply = command(port, {
        "createUser": user,
        "pwd": password,
        "roles": [{"role": "readWrite", "db": database}],
        # In DATABASE itself: the original conn-check authenticates against the checked database.
        "$db": database,
    })
    # {ok: 1.0} is a double element: 0x01 "ok\0" then 8 bytes.
    at = reply.find(b"\x01ok\x00")
    if at < 0 or struct.unpack("<d", reply[at + 4:at + 12])[0] != 1.0:
        raise SystemExit("createUser failed: " + reply.decode("latin-1", "replace"))
    command(port, {"shutdown": 1, "force": True, "$db": "admin"}, expect_reply=False)


if __name__ == "__main__":
    main()
