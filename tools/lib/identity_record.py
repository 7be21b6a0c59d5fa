#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The device identity record (firmware/identity/include/portcullis/identity/record.hpp),
written by `tools/pki provision`. The device's parser is the reference; this writer follows
its layout: "PCID", version 1, header size 16, payload size, CRC-32 of the payload, then
fields (type, 16-bit length, value; text ends in one NUL), all little-endian.

    identity_record.py OUT --device-id ID --cert DER --key DER --ca DER
                       [--broker HOST] [--time-server HOST] [--mac XX:XX:XX:XX:XX:XX]
"""
import argparse
import re
import struct
import sys
import zlib

REGION_BYTES = 4096
HEADER = 16
FIELDS = {"device_id": 1, "cert": 2, "key": 3, "ca": 4, "broker": 5, "time_server": 6, "mac": 7}
DEVICE_ID = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,62}[A-Za-z0-9])?")  # as tools/pki's
HOST = re.compile(r"[A-Za-z0-9.:-]{1,63}")
MAC = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")


def mac_bytes(text):
    """An Ethernet address the device takes: unicast (I/G bit clear), not all zero."""
    if not MAC.fullmatch(text):
        raise ValueError(f"MAC '{text}': six hex pairs separated by ':'")
    b = bytes.fromhex(text.replace(":", ""))
    if b[0] & 1 or not any(b):
        raise ValueError(f"MAC '{text}': a unicast address, not all zero")
    return b


def record(device_id, cert, key, ca, broker=None, time_server=None, mac=None):
    if not DEVICE_ID.fullmatch(device_id):
        raise ValueError(f"device id '{device_id}': 1-64 letters, digits, '-' and '.', "
                         "beginning and ending with a letter or digit")
    for name, host in (("broker", broker), ("time server", time_server)):
        if host is not None and not HOST.fullmatch(host):
            raise ValueError(f"{name} '{host}': a DNS name or an address, at most 63 characters")
    fields = [(FIELDS["device_id"], device_id.encode() + b"\0"), (FIELDS["cert"], cert),
              (FIELDS["key"], key), (FIELDS["ca"], ca)]
    if broker:
        fields.append((FIELDS["broker"], broker.encode() + b"\0"))
    if time_server:
        fields.append((FIELDS["time_server"], time_server.encode() + b"\0"))
    if mac:
        fields.append((FIELDS["mac"], mac_bytes(mac)))
    payload = b"".join(struct.pack("<BH", t, len(v)) + v for t, v in fields)
    if HEADER + len(payload) > REGION_BYTES:
        raise ValueError(f"the record needs {HEADER + len(payload)} bytes, the region holds {REGION_BYTES}")
    return b"PCID" + struct.pack("<HHII", 1, HEADER, len(payload), zlib.crc32(payload)) + payload


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--device-id", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--broker")
    p.add_argument("--time-server")
    p.add_argument("--mac")
    a = p.parse_args()
    try:
        blob = record(a.device_id, open(a.cert, "rb").read(), open(a.key, "rb").read(),
                      open(a.ca, "rb").read(), a.broker, a.time_server, a.mac)
    except (OSError, ValueError) as e:
        print(f"identity_record: {e}", file=sys.stderr)
        return 1
    with open(a.out, "wb") as f:
        f.write(blob)
    return 0


if __name__ == "__main__":
    sys.exit(main())
