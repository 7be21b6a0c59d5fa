#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A bounded SYN flood from spoofed lab addresses, for tests/lab/flood_test.sh.

  synflood.py IFACE DEVICE_MAC DEVICE_IPV4 PORT COUNT RATE FIRST LAST

Sends COUNT TCP SYNs to DEVICE_IPV4:PORT on IFACE (the lab's TAP; run inside the lab
namespace), at RATE a second, their sources 192.0.2.FIRST .. 192.0.2.LAST in turn, each with a
random source port and sequence number: addresses nobody in the lab holds, so nobody answers
the device's ARP for them and each SYN-ACK it sends stays unanswered, as for a spoofed flood.
Every frame stays on 192.0.2.0/24 (the lab's prefix, checked). Prints "sent N in S s".
Frames are packed by hand and sent on a packet socket: scapy would take seconds to build them.
"""
import ipaddress
import random
import socket
import struct
import sys
import time

LAB_PREFIX = ipaddress.ip_network("192.0.2.0/24")
MAX_COUNT = 10000  # a bound on what one call may send
MAX_RATE = 2000
SOURCE_MAC = bytes.fromhex("020000000100")  # locally administered; the device answers by IP


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def syn_frame(dst_mac, src, dst, sport, dport, seq):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 1024, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), sport, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return dst_mac + SOURCE_MAC + b"\x08\x00" + ip + tcp


def main(argv):
    if len(argv) != 8:
        raise SystemExit(__doc__)
    iface, mac, dst = argv[0], argv[1], argv[2]
    port, count, rate, first, last = (int(a) for a in argv[3:])
    if not 1 <= first <= last <= 254 or ipaddress.ip_address(dst) not in LAB_PREFIX:
        raise SystemExit("sources (192.0.2.FIRST..LAST) and destination must lie in 192.0.2.0/24")
    sources = [LAB_PREFIX[i] for i in range(first, last + 1)]
    if not (0 < count <= MAX_COUNT and 0 < rate <= MAX_RATE and 0 < port < 65536):
        raise SystemExit(f"count 1..{MAX_COUNT}, rate 1..{MAX_RATE}, port 1..65535")
    rng = random.Random(0x5EED)
    dst_mac = bytes.fromhex(mac.replace(":", ""))
    frames = [syn_frame(dst_mac, sources[i % len(sources)].packed, ipaddress.ip_address(dst).packed,
                        rng.randrange(1024, 65536), port, rng.randrange(1 << 32))
              for i in range(count)]
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
        sock.bind((iface, 0))
        t0 = time.monotonic()
        for i, frame in enumerate(frames):
            ahead = t0 + i / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
            sock.send(frame)
        print(f"sent {count} in {time.monotonic() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
