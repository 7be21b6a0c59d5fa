#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""What a device's randomness looks like from the wire (tests/lab/entropy_test.sh drives this).

  entropy.py handshake FILE   FILE: `openssl s_client -msg` output of one TLS 1.2 handshake;
                              prints "SERVER_RANDOM ECDHE_PUBLIC_KEY" (hex): the ServerHello's
                              32-byte random and the point of the ServerKeyExchange
  entropy.py first-syn PCAP   prints "SPORT ISN" of the first TCP SYN the device (192.0.2.2)
                              sent in PCAP (QEMU's filter-dump of its NIC from power-on)
Exit status 1 with a message when the input does not hold what is asked for.
"""

import re
import sys

DEVICE = "192.0.2.2"


def messages(text):
    """(direction, name, bytes) for each handshake message `openssl s_client -msg` printed."""
    out = []
    current = None
    for line in text.splitlines():
        head = re.match(r"^(<<<|>>>) .*Handshake \[length [0-9a-f]+\], (\w+)", line)
        if head:
            current = [head.group(1), head.group(2), bytearray()]
            out.append(current)
            continue
        if re.match(r"^(<<<|>>>)", line) or not line.startswith(" "):
            current = None
            continue
        if current is not None:
            current[2].extend(bytes.fromhex("".join(line.split())))
    return out


def cmd_handshake(path):
    msgs = {name: body for direction, name, body in messages(open(path, encoding="utf-8",
                                                                   errors="replace").read())
            if direction == "<<<"}
    hello, kex = msgs.get("ServerHello"), msgs.get("ServerKeyExchange")
    if hello is None or kex is None or len(hello) < 38 or len(kex) < 8:
        print(f"no ServerHello and ServerKeyExchange in {path}", file=sys.stderr)
        return 1
    random = hello[6:38]
    # ECDHE params: curve type 3 (named curve), the curve, the point's length, the point.
    if kex[4] != 3 or len(kex) < 8 + kex[7]:
        print(f"ServerKeyExchange in {path} is not ECDHE with a named curve", file=sys.stderr)
        return 1
    point = kex[8:8 + kex[7]]
    print(random.hex(), point.hex())
    return 0


def cmd_first_syn(path):
    import logging  # pylint: disable=import-outside-toplevel
    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.all import IP, TCP, rdpcap  # pylint: disable=import-outside-toplevel
    for pkt in rdpcap(path):
        if pkt.haslayer(IP) and pkt.haslayer(TCP) and pkt[IP].src == DEVICE and \
                str(pkt[TCP].flags) == "S":
            print(pkt[TCP].sport, pkt[TCP].seq)
            return 0
    print(f"no SYN from {DEVICE} in {path}", file=sys.stderr)
    return 1


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("handshake", "first-syn"):
        print(__doc__, file=sys.stderr)
        return 2
    return cmd_handshake(sys.argv[2]) if sys.argv[1] == "handshake" else cmd_first_syn(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
