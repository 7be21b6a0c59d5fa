#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A broker that turns hostile, for tests/lab/mqtt_test.sh (run inside the lab namespace).

Listens with TLS on ADDRESS:PORT (client certificates required, as the lab's mosquitto),
accepts one connection from the device (others are closed at once), and checks what the device writes against MQTT 3.1.1:
a CONNECT (protocol level 4, clean session, the client id, a retained QoS 1 last will of
{"state":"offline"} under the status topic), then, after our CONNACK, the birth message
({"state":"online"}, retained, QoS 1, on the same topic) and a retained QoS 1 PUBLISH of the
status whose remaining length matches what follows (the push streams the
document in slices and announces its size first) and whose payload is one JSON document; that
publish is acknowledged. Then the broker sends a PUBLISH, which a client that subscribed to
nothing must refuse, and measures how soon the device closes the connection.

Prints one JSON line (the findings) and exits 0 when every check held, else 1. Bounded: each
wait has a deadline, and the whole run ends after --timeout seconds.
"""
import argparse
import json
import socket
import ssl
import sys
import time


class Fail(Exception):
    pass


def read_exact(conn, n, deadline):
    data = b""
    while len(data) < n:
        conn.settimeout(max(0.1, deadline - time.monotonic()))
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise Fail(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def read_packet(conn, deadline):
    """One MQTT packet: (first byte, body)."""
    head = read_exact(conn, 1, deadline)[0]
    length, shift = 0, 0
    for _ in range(4):
        b = read_exact(conn, 1, deadline)[0]
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    else:
        raise Fail("remaining length longer than four bytes")
    return head, read_exact(conn, length, deadline)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--device", required=True, help="the device's address: other clients are turned away")
    ap.add_argument("--timeout", type=float, default=90)
    a = ap.parse_args()
    found = {}
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    ctx.load_verify_locations(a.ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
    end = time.monotonic() + a.timeout
    try:
        with socket.create_server((a.listen, a.port), reuse_port=False) as srv:
            while True:  # the lab's own clients (a subscriber retrying) are turned away
                srv.settimeout(max(0.1, end - time.monotonic()))
                raw, peer = srv.accept()
                if peer[0] == a.device:
                    break
                raw.close()
            raw.settimeout(15)
            with ctx.wrap_socket(raw, server_side=True) as conn:
                found["peer"] = peer[0]
                head, body = read_packet(conn, min(end, time.monotonic() + 15))
                if head != 0x10:
                    raise Fail(f"first packet 0x{head:02x}, not CONNECT")
                name_len = int.from_bytes(body[0:2], "big")
                proto, level, flags = body[2:2 + name_len], body[2 + name_len], body[3 + name_len]
                id_len = int.from_bytes(body[6 + name_len:8 + name_len], "big")
                client_id = body[8 + name_len:8 + name_len + id_len].decode()
                at = 8 + name_len + id_len
                will_len = int.from_bytes(body[at:at + 2], "big")
                will_topic = body[at + 2:at + 2 + will_len].decode()
                at += 2 + will_len
                will_message = body[at + 2:at + 2 + int.from_bytes(body[at:at + 2], "big")]
                found["connect"] = {"protocol": proto.decode(), "level": level,
                                    "flags": flags, "client_id": client_id,
                                    "will": will_topic}
                state_topic = f"portcullis/{a.client_id}/status/state"
                # 0x2E: clean session, will flag, will QoS 1, will retain.
                if (proto, level, flags, client_id, will_topic, json.loads(will_message)) != (
                        b"MQTT", 4, 0x2E, a.client_id, state_topic, {"state": "offline"}):
                    raise Fail(f"CONNECT {body.hex()}")
                conn.sendall(b"\x20\x02\x00\x00")

                def next_publish():
                    while True:  # PINGREQs may come first
                        head, body = read_packet(conn, min(end, time.monotonic() + 20))
                        if head >> 4 == 3:
                            return head, body
                head, body = next_publish()
                topic_len = int.from_bytes(body[0:2], "big")
                if (head != 0x33 or body[2:2 + topic_len].decode() != state_topic
                        or json.loads(body[4 + topic_len:]) != {"state": "online"}):
                    raise Fail(f"birth {head:02x} {body.hex()}")
                found["birth"] = True
                head, body = next_publish()
                if head != 0x33:
                    raise Fail(f"PUBLISH flags 0x{head:02x}: not QoS 1 retained")
                topic_len = int.from_bytes(body[0:2], "big")
                topic = body[2:2 + topic_len].decode()
                packet_id = body[2 + topic_len:4 + topic_len]
                payload = body[4 + topic_len:]
                doc = json.loads(payload)  # the announced length held exactly one document
                found["status"] = {"topic": topic, "bytes": len(payload),
                                   "device": doc["device"]["id"]}
                if topic != f"portcullis/{a.client_id}/status" or doc["device"]["id"] != a.client_id:
                    raise Fail(f"status {found['status']}")
                conn.sendall(b"\x40\x02" + packet_id)
                # A PUBLISH to a client that subscribed to nothing: it must hang up.
                sent = time.monotonic()
                conn.sendall(b"\x30\x0b\x00\x05x/y/zhello")
                conn.settimeout(10)
                try:
                    while conn.recv(4096):
                        pass  # a PINGREQ, or a record in flight: until it closes
                except (ConnectionResetError, ssl.SSLError):
                    pass
                except socket.timeout:
                    raise Fail("the device kept the connection 10 s after a broker PUBLISH")
                found["closed_after_s"] = round(time.monotonic() - sent, 2)
    except (Fail, OSError, ValueError, KeyError, IndexError) as e:
        found["error"] = f"{type(e).__name__}: {e}"
        print(json.dumps(found))
        return 1
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
