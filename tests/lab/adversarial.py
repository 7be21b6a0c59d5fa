#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Adversarial probes for the lab device (tests/lab/adversarial_test.sh drives this).

  adversarial.py link     --board B --out FILE   link-layer oddities: what the NIC or lwIP's
                                                 Ethernet layer discard, and what the netif's
                                                 filter judges as malformed
  adversarial.py barrage  --board B --out FILE   the adversarial barrage
  adversarial.py alive                           allowed ports still answer (SYN-ACK, UDP echo)
  adversarial.py ptb      --board B --out FILE   ICMPv6 Packet Too Big below 1280 about a live
                                                 connection (the wedge of the security review)
  adversarial.py account  --phase NAME BEFORE.json AFTER.json PROBES.json
                                                 the device's counters account for the probes

`link`, `barrage`, `ptb` and `alive` run inside the lab namespace (tools/lab exec) and send
with scapy at layer 2 on the lab's TAP (--iface, tools/lab's LAB_TAP), so that headers reach the device exactly as built
(a raw IP socket would fix lengths and checksums). Every frame goes to the device's MAC (or
to the link's broadcast/multicast addresses) from the namespace; sending is paced
(--gap, default 2 ms) and bounded (under 1000 frames a run). A sniffer on the TAP keeps
every frame the device sends while the probes go out and for --settle seconds after.

Each probe states what the device must do with it:
  drop REASON    the filter drops it, counted under dropped_by_reason[REASON]; no reply
  pass REASON    the filter passes it (counted in passed_total); a reply only where stated
                 (a SYN-ACK from an allowed port), else lwIP itself discards it (checksum,
                 no reassembly, TCP to broadcast)
  below          never reaches the filter: the NIC's address filter discards it, or the frame
                 is no IP frame the netif judges (unknown ethertype, a VLAN tag, a header
                 alone) and lwIP's Ethernet layer discards it; uncounted
Every frame the device sends is either expected background (ARP and neighbour discovery
about the namespace's host addresses, router solicitations and MLD reports, DHCP requests
renewing its lease, DNS queries for the broker's name, the MQTT push's connection attempts to port 8883, the tail of a status
poll's connection) or
a reply to exactly one probe (matched by ports, ICMP id, or the quote of an ICMP error).
Results go to the --out JSON and as PASS:/FAIL:/INFO: lines to stdout.
"""

import argparse
import json
import logging
import socket
import sys
import threading
import time
from collections import Counter

IFACE = "pctap0"  # the default lab instance's TAP; --iface sets this run's (LAB_TAP)
DEV_MAC = "02:00:5e:00:53:02"
OTHER_MAC = "02:00:5e:00:53:99"  # nobody's: a unicast frame the device's NIC should not take
H4, D4 = "192.0.2.1", "192.0.2.2"
H6, D6 = "2001:db8::1", "2001:db8::2"
DLL6 = "fe80::5eff:fe00:5302"  # the device's link-local address, made by lwIP from DEV_MAC
SPOOF4, SPOOF6 = "192.0.2.77", "2001:db8::77"  # inside the allowed prefixes, nobody's
BCAST4, LIMITED4, MCAST4, MCAST6 = "192.0.2.255", "255.255.255.255", "224.0.0.1", "ff02::1"
BCAST_MAC, MCAST4_MAC, MCAST6_MAC = "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "33:33:00:00:00:01"

TCP_OPEN, TCP_OPEN_BY_SOURCE = 22, 8080  # scan.allow: tcp 22; tcp 8080 from the lab nets
TCP_CLOSED = 23
TCP_OTHER_SOURCE = 2222  # scan.allow: only from 198.51.100.0/24 (a listener is there)
UDP_OPEN, UDP_CLOSED = 5683, 161
MGMT_PORT = 8443
MQTT_PORT = 8883  # lab boards push to the host side; nobody listens: background SYNs

# Reasons of dropped_by_reason no background traffic of the lab produces: the probes account
# for them exactly. no_connection also comes from the lab itself (a TLS poll's last segment
# after the device freed its PCB: one a poll), so it is checked as "at least".
EXACT_REASONS = ("malformed", "fragment", "bad_extension_chain", "unknown_protocol",
                 "broadcast", "icmp_denied", "closed_port", "bad_mtu", "unsolicited_reply")


def scapy():
    logging.getLogger("scapy").setLevel(logging.ERROR)
    import scapy.all as s  # pylint: disable=import-outside-toplevel
    s.conf.verb = 0
    return s


class Probes:
    """The probe table: frames (bytes), what the device must do, how a reply is matched."""

    def __init__(self, s, board):
        self.s = s
        self.board = board
        self.host_mac = s.get_if_hwaddr(IFACE)
        self.items = []
        self.keys = {}
        self._sport = 20000
        self._ident = 0x5000

    def sport(self):
        self._sport += 1
        return self._sport

    def ident(self):
        self._ident += 1
        return self._ident

    def eth(self, dst=DEV_MAC, etype=None):
        if etype is None:
            return self.s.Ether(src=self.host_mac, dst=dst)
        return self.s.Ether(src=self.host_mac, dst=dst, type=etype)

    def add(self, cat, name, frame, expect, reply=None, key=None):
        """expect: ("drop", reason) | ("pass", reason) | ("below", why); reply: None | "synack"."""
        index = len(self.items)
        data = bytes(frame) if not isinstance(frame, bytes) else frame
        self.items.append({"cat": cat, "name": name, "frame": data, "expect": list(expect),
                           "reply": reply, "got": []})
        if key is not None:
            if key in self.keys:
                raise ValueError(f"two probes share the reply key {key}: {name}")
            self.keys[key] = index

    # --- builders --------------------------------------------------------------------------
    def tcp4(self, dport, flags="S", sport=None, src=H4, dst=D4, ip=None, tcp=None, l2=DEV_MAC):
        s = self.s
        sport = self.sport() if sport is None else sport
        pkt = self.eth(l2) / s.IP(src=src, dst=dst, **(ip or {})) / s.TCP(
            sport=sport, dport=dport, flags=flags, seq=0x1000 + sport, **(tcp or {}))
        return pkt, (4, "tcp", sport, dport)

    def tcp6(self, dport, flags="S", sport=None, src=H6, dst=D6, ext=None, l2=DEV_MAC, ip=None):
        s = self.s
        sport = self.sport() if sport is None else sport
        pkt = s.IPv6(src=src, dst=dst, **(ip or {}))
        for header in ext or []:
            pkt = pkt / header
        pkt = self.eth(l2) / pkt / s.TCP(sport=sport, dport=dport, flags=flags, seq=0x1000 + sport)
        return pkt, (6, "tcp", sport, dport)

    def udp4(self, dport, sport=None, src=H4, dst=D4, l2=DEV_MAC, udp=None, payload=b"probe"):
        s = self.s
        sport = self.sport() if sport is None else sport
        pkt = self.eth(l2) / s.IP(src=src, dst=dst) / s.UDP(sport=sport, dport=dport,
                                                            **(udp or {})) / payload
        return pkt, (4, "udp", sport, dport)

    def udp6(self, dport, sport=None, src=H6, dst=D6, l2=DEV_MAC):
        s = self.s
        sport = self.sport() if sport is None else sport
        pkt = self.eth(l2) / s.IPv6(src=src, dst=dst) / s.UDP(sport=sport, dport=dport) / b"probe"
        return pkt, (6, "udp", sport, dport)

    def tcp_bytes4(self, dport, flags="S", sport=None, payload=b""):
        """A TCP segment's bytes with a correct checksum, for hand-made fragments."""
        s = self.s
        sport = self.sport() if sport is None else sport
        seg = s.IP(src=H4, dst=D4) / s.TCP(sport=sport, dport=dport, flags=flags,
                                           seq=0x1000 + sport) / payload
        return bytes(seg)[20:], sport

    def frag4(self, proto, ident, offset8, more, data):
        s = self.s
        return self.eth() / s.IP(src=H4, dst=D4, proto=proto, id=ident, frag=offset8,
                                 flags="MF" if more else 0) / s.Raw(data)

    def frag6(self, ident, offset8, more, data, nh=6):
        s = self.s
        return self.eth() / s.IPv6(src=H6, dst=D6) / s.IPv6ExtHdrFragment(
            nh=nh, offset=offset8, m=1 if more else 0, id=ident) / s.Raw(data)


# ---- the probe sets ------------------------------------------------------------------------
def link_probes(p, repeat):
    """Link-layer oddities. The netif judges every frame of the IPv4 or IPv6 ethertype where
    the MAC left it (EthernetNetif::receive_one), so an IP version that does not match its
    ethertype is a malformed drop; what is no IP frame the counters must not see. QEMU's
    lan9118 filters other unicast MACs; the Stellaris model and a TAP do not, so there the
    filter sees and counts that one. QEMU's NICs pad a runt to 60 bytes (an IPv4 ethertype
    and version 0: malformed); a TAP hands over the 14 bytes, which the netif leaves to lwIP."""
    s = p.s
    wrong_mac_expect = (("below", "NIC address filter (lan9118)")
                        if p.board == "qemu-mps2-an385" else ("drop", "closed_port"))
    runt_expect = (("below", "ethernet_input: len <= 14") if p.board == "host-linux"
                   else ("drop", "malformed"))
    # (With NO_SYS=0 too: the netif drops it before lwIP's queue, where lwIP would check the
    # version against the ethertype before its hook.)
    version_expect = ("drop", "malformed")
    for i in range(repeat):
        frame, key = p.tcp4(TCP_CLOSED, l2=OTHER_MAC)
        p.add("link", f"unicast to another MAC, tcp {TCP_CLOSED} #{i}", frame, wrong_mac_expect,
              key=key)
        p.add("link", f"unknown ethertype 0x88b5 #{i}", p.eth(etype=0x88B5) / s.Raw(b"\0" * 46),
              ("below", "ethernet_input: unknown type"))
        frame, _ = p.tcp4(TCP_CLOSED, ip={"version": 5})
        p.add("link", f"IPv4 ethertype, IP version 5 #{i}", frame, version_expect)
        frame, _ = p.tcp4(TCP_CLOSED)
        p.add("link", f"IPv6 ethertype carrying IPv4 #{i}", bytes(frame)[:12] + b"\x86\xdd" +
              bytes(frame)[14:], version_expect)
        p.add("link", f"runt: Ethernet header only, type IPv4 #{i}", bytes(p.eth(etype=0x0800))[:14],
              runt_expect)
        frame, _ = p.tcp4(TCP_CLOSED)
        tagged = bytes(frame)[:12] + b"\x81\x00\x00\x05" + bytes(frame)[12:]
        p.add("link", f"802.1Q tagged IPv4 SYN #{i}", tagged,
              ("below", "ethernet_input: no VLAN support, unknown type"))


def drop(reason):
    return ("drop", reason)


def barrage_probes(p):
    s = p.s
    synack = {"reply": "synack"}

    # -- IPv4 fragments (RFC 1858, RFC 3128): tiny, header-splitting, overlapping --------------
    cat = "ipv4-fragments"
    for port in (TCP_OPEN, TCP_CLOSED):
        tcp, sport = p.tcp_bytes4(port)
        ident = p.ident()
        p.add(cat, f"tiny first fragment (8 bytes of TCP) to {port}", p.frag4(6, ident, 0, True, tcp[:8]),
              drop("fragment"), key=(4, "tcp", sport, port))
        p.add(cat, f"its second fragment (TCP bytes 8-19) to {port}", p.frag4(6, ident, 1, False, tcp[8:]),
              drop("fragment"))
        tcp, sport = p.tcp_bytes4(port)
        p.add(cat, f"first fragment of 16 TCP bytes (flags in, checksum out) to {port}",
              p.frag4(6, p.ident(), 0, True, tcp[:16]), drop("fragment"), key=(4, "tcp", sport, port))
        # Data offset 10: 40 bytes of header, only 24 in this first fragment.
        seg = s.IP(src=H4, dst=D4) / s.TCP(sport=p.sport(), dport=port, flags="S",
                                           options=[("NOP", None)] * 20)
        tcp = bytes(seg)[20:]
        p.add(cat, f"first fragment cutting the TCP options to {port}",
              p.frag4(6, p.ident(), 0, True, tcp[:24]), drop("fragment"),
              key=(4, "tcp", seg[s.TCP].sport, port))
        p.add(cat, f"non-first fragment (offset 1480) alone to {port}",
              p.frag4(6, p.ident(), 185, False, tcp[:24]), drop("fragment"))
    # Overlap: a complete first fragment, then one at offset 8 rewriting flags to ACK (and
    # for the closed port, to SYN). The first passes (allowed) or drops (closed) on its own
    # header; lwIP has no reassembly (IP_REASSEMBLY 0) and discards a passed one.
    for port, first_expect in ((TCP_OPEN, ("pass", "allowed")), (TCP_CLOSED, drop("closed_port"))):
        ident = p.ident()
        tcp, sport = p.tcp_bytes4(port, flags="S", payload=b"A" * 8)
        p.add(cat, f"overlap: complete first fragment, SYN to {port}",
              p.frag4(6, ident, 0, True, tcp), first_expect, key=(4, "tcp", sport, port))
        rewrite, _ = p.tcp_bytes4(port, flags="A" if port == TCP_OPEN else "S", sport=sport,
                                  payload=b"B" * 8)
        p.add(cat, f"overlap: offset 8 rewriting seq/ack/flags to {port}",
              p.frag4(6, ident, 1, False, rewrite[8:]), drop("fragment"))
        # A second first fragment of the same datagram naming another (closed) port: each
        # fragment is judged on its own header.
        other, _ = p.tcp_bytes4(port + 1000, flags="S", sport=sport, payload=b"C" * 8)
        p.add(cat, f"overlap: a second first fragment rewriting the port to {port + 1000}",
              p.frag4(6, ident, 0, True, other), drop("closed_port"), key=(4, "tcp", sport, port + 1000))
    # UDP: 4 bytes of header in a first fragment; a whole header in one (passes on 5683).
    for port in (UDP_OPEN, UDP_CLOSED):
        sport = p.sport()
        udp = bytes(s.IP(src=H4, dst=D4) / s.UDP(sport=sport, dport=port) / (b"u" * 32))[20:]
        p.add(cat, f"UDP tiny first fragment (4 header bytes) to {port}",
              p.frag4(17, p.ident(), 0, True, udp[:4]), drop("fragment"), key=(4, "udp", sport, port))
    sport = p.sport()
    udp = bytes(s.IP(src=H4, dst=D4) / s.UDP(sport=sport, dport=UDP_OPEN) / (b"u" * 32))[20:]
    p.add(cat, f"UDP complete first fragment to {UDP_OPEN} (lwIP: no reassembly)",
          p.frag4(17, p.ident(), 0, True, udp[:16]), ("pass", "allowed"), key=(4, "udp", sport, UDP_OPEN))

    # -- IPv4 options -------------------------------------------------------------------------
    cat = "ipv4-options"
    options = {
        "record route": [s.IPOption_RR(routers=["0.0.0.0"] * 4)],
        "timestamp": [s.IPOption_Timestamp(flg=0, timestamp=[0, 0])],
        # Route ending at the device (scapy takes the route's last hop for the TCP
        # pseudo-header, so a route beyond it would also be a bad checksum for the device).
        "loose source route": [s.IPOption_LSRR(routers=[D4])],
        "NOP NOP + bogus option length 40": [s.IPOption_NOP(), s.IPOption_NOP(),
                                              s.IPOption(copy_flag=0, optclass=0, option=30,
                                                         length=40, value=b"\0\0")],
    }
    for what, opts in options.items():
        frame, key = p.tcp4(TCP_CLOSED, ip={"options": opts})
        p.add(cat, f"{what}, SYN to {TCP_CLOSED}", frame, drop("closed_port"), key=key)
        frame, key = p.tcp4(TCP_OPEN, ip={"options": opts})
        p.add(cat, f"{what}, SYN to {TCP_OPEN}", frame, ("pass", "allowed"), key=key, **synack)

    # -- IPv4 header lies, checksums, TCP/UDP header lies --------------------------------------
    cat = "ipv4-header"
    for port in (TCP_OPEN, TCP_CLOSED):
        for what, ip in (("IHL 4", {"ihl": 4}), ("IHL 15 > total length 40", {"ihl": 15, "len": 40}),
                         ("IHL 15, total length 60 beyond the frame", {"ihl": 15, "len": 60}),
                         ("total length 65535", {"len": 65535}), ("total length 19", {"len": 19}),
                         ("total length 0", {"len": 0}),
                         ("total length 30 (cuts the TCP header)", {"len": 30})):
            frame, key = p.tcp4(port, ip=ip)
            p.add(cat, f"{what}, SYN to {port}", frame, drop("malformed"), key=key)
        for what, tcp in (("TCP data offset 4", {"dataofs": 4}),
                          ("TCP data offset 15 beyond the segment", {"dataofs": 15})):
            frame, key = p.tcp4(port, tcp=tcp)
            p.add(cat, f"{what}, SYN to {port}", frame, drop("malformed"), key=key)
    frame, key = p.tcp4(TCP_CLOSED, sport=0)
    p.add(cat, "TCP source port 0", frame, drop("malformed"), key=key)
    frame, _ = p.tcp4(0)
    p.add(cat, "TCP destination port 0", frame, drop("malformed"))
    frame, key = p.tcp4(TCP_CLOSED, ip={"chksum": 0xDEAD})
    p.add(cat, f"bad IP checksum, SYN to {TCP_CLOSED}", frame, drop("closed_port"), key=key)
    frame, key = p.tcp4(TCP_OPEN, ip={"chksum": 0xDEAD})
    p.add(cat, f"bad IP checksum, SYN to {TCP_OPEN} (lwIP drops it)", frame, ("pass", "allowed"), key=key)
    frame, key = p.tcp4(TCP_CLOSED, tcp={"chksum": 0xBEEF})
    p.add(cat, f"bad TCP checksum, SYN to {TCP_CLOSED}", frame, drop("closed_port"), key=key)
    frame, key = p.tcp4(TCP_OPEN, tcp={"chksum": 0xBEEF})
    p.add(cat, f"bad TCP checksum, SYN to {TCP_OPEN} (lwIP drops it)", frame, ("pass", "allowed"), key=key)
    frame, key = p.udp4(UDP_OPEN, udp={"chksum": 0xBEEF})
    p.add(cat, f"bad UDP checksum to {UDP_OPEN} (lwIP drops it)", frame, ("pass", "allowed"), key=key)
    frame, key = p.udp4(UDP_CLOSED, udp={"chksum": 0xBEEF})
    p.add(cat, f"bad UDP checksum to {UDP_CLOSED}", frame, drop("closed_port"), key=key)
    frame, key = p.udp4(UDP_OPEN, udp={"len": 200})
    p.add(cat, f"UDP length 200 beyond the datagram to {UDP_OPEN}", frame, drop("malformed"), key=key)
    frame, key = p.udp4(UDP_OPEN, udp={"len": 4})
    p.add(cat, f"UDP length 4 to {UDP_OPEN}", frame, drop("malformed"), key=key)
    frame, key = p.tcp4(TCP_OPEN, ip={"len": 40})
    frame = bytes(frame) + b"\0" * 40  # trailing bytes beyond the IP length: lwIP trims them
    p.add(cat, f"40 bytes beyond the IP total length, SYN to {TCP_OPEN}", frame, ("pass", "allowed"),
          key=key, **synack)
    for proto, what in ((132, "SCTP"), (47, "GRE"), (255, "reserved 255")):
        p.add(cat, f"IP protocol {proto} ({what}: lwIP would answer protocol unreachable)",
              p.eth() / s.IP(src=H4, dst=D4, proto=proto) / s.Raw(b"\0" * 24), drop("unknown_protocol"))

    # -- IPv6 extension headers ----------------------------------------------------------------
    cat = "ipv6-extensions"
    hbh, dst_opts, rout0 = s.IPv6ExtHdrHopByHop, s.IPv6ExtHdrDestOpt, s.IPv6ExtHdrRouting
    walked = {
        "hop-by-hop": lambda: [hbh()],
        "destination options": lambda: [dst_opts()],
        "routing type 0, segments left 0": lambda: [rout0(type=0, segleft=0)],
        "hop-by-hop, dest opts, routing, dest opts": lambda: [hbh(), dst_opts(), rout0(segleft=0), dst_opts()],
        "hop-by-hop with router alert": lambda: [hbh(options=[s.RouterAlert()])],
    }
    for what, chain in walked.items():
        frame, key = p.tcp6(TCP_CLOSED, ext=chain())
        p.add(cat, f"{what} before a SYN to {TCP_CLOSED}", frame, drop("closed_port"), key=key)
        frame, key = p.tcp6(TCP_OPEN, ext=chain())
        p.add(cat, f"{what} before a SYN to {TCP_OPEN}", frame, ("pass", "allowed"), key=key, **synack)
    unknown_opt = s.HBHOptUnknown(otype=0x80, optdata=b"\0" * 4)  # action 10: param problem
    refused = {
        "dest opts then hop-by-hop (not first)": lambda: [dst_opts(), hbh()],
        "routing with segments left 1": lambda: [rout0(type=0, segleft=1, addresses=["2001:db8::99"])],
        "dest opts with an unknown option, action 10": lambda: [dst_opts(options=[unknown_opt])],
        "hop-by-hop with a jumbo payload option": lambda: [hbh(options=[s.Jumbo(jumboplen=70000)])],
        "five headers (bound 4)": lambda: [hbh(), dst_opts(), rout0(segleft=0), dst_opts(), dst_opts()],
    }
    for what, chain in refused.items():
        for port in (TCP_OPEN, TCP_CLOSED):
            frame, key = p.tcp6(port, ext=chain())
            p.add(cat, f"{what} before a SYN to {port}", frame, drop("bad_extension_chain"), key=key)
    p.add(cat, "no next header (59)", p.eth() / s.IPv6(src=H6, dst=D6, nh=59) / s.Raw(b"\0" * 8),
          drop("bad_extension_chain"))
    p.add(cat, "ESP (50)", p.eth() / s.IPv6(src=H6, dst=D6, nh=50) / s.Raw(b"\0" * 16),
          drop("bad_extension_chain"))
    p.add(cat, "next header 132 (SCTP: lwIP would answer parameter problem)",
          p.eth() / s.IPv6(src=H6, dst=D6, nh=132) / s.Raw(b"\0" * 16), drop("unknown_protocol"))
    for port in (TCP_OPEN, TCP_CLOSED):
        frame, key = p.tcp6(port, ext=[s.IPv6ExtHdrFragment(offset=0, m=0, id=p.ident())])
        p.add(cat, f"atomic fragment (offset 0, M=0), SYN to {port}", frame, drop("fragment"), key=key)
        sport = p.sport()
        tcp = bytes(s.IPv6(src=H6, dst=D6) / s.TCP(sport=sport, dport=port, flags="S"))[40:]
        ident = p.ident()
        p.add(cat, f"fragment header splitting the TCP header (first 8 bytes) to {port}",
              p.frag6(ident, 0, True, tcp[:8]), drop("fragment"), key=(6, "tcp", sport, port))
        p.add(cat, f"... and its second fragment (TCP bytes 8-19) to {port}",
              p.frag6(ident, 1, False, tcp[8:]), drop("fragment"))
    frame, key = p.tcp6(TCP_CLOSED, ip={"plen": 400})
    p.add(cat, "payload length 400 beyond the packet", frame, drop("malformed"), key=key)
    frame, key = p.tcp6(TCP_CLOSED, ip={"plen": 0})
    p.add(cat, "payload length 0 (jumbogram without the option)", frame, drop("malformed"), key=key)

    # -- TCP flags: all 256 combinations (IPv4), the 64 of the six classic flags (IPv6) --------
    cat = "tcp-flags"
    for flags in range(256):
        frame, key = p.tcp4(TCP_CLOSED, flags=flags)
        p.add(cat, f"IPv4 flags 0x{flags:02x} to closed {TCP_CLOSED}", frame, drop("closed_port"), key=key)
        opens = (flags & 0x17) == 0x02  # SYN without ACK, RST, FIN
        frame, key = p.tcp4(TCP_OPEN, flags=flags)
        p.add(cat, f"IPv4 flags 0x{flags:02x} to allowed {TCP_OPEN}, no connection", frame,
              ("pass", "allowed") if opens else drop("no_connection"), key=key,
              reply="synack" if opens else None)
    for flags in range(64):
        frame, key = p.tcp6(TCP_CLOSED, flags=flags)
        p.add(cat, f"IPv6 flags 0x{flags:02x} to closed {TCP_CLOSED}", frame, drop("closed_port"), key=key)
        opens = (flags & 0x17) == 0x02
        frame, key = p.tcp6(TCP_OPEN, flags=flags)
        p.add(cat, f"IPv6 flags 0x{flags:02x} to allowed {TCP_OPEN}, no connection", frame,
              ("pass", "allowed") if opens else drop("no_connection"), key=key,
              reply="synack" if opens else None)

    # -- source ports firewalls used to trust --------------------------------------------------
    cat = "source-ports"
    for sport in (20, 53, 67, 88):
        frame, key = p.tcp4(TCP_CLOSED, sport=sport)
        p.add(cat, f"SYN from port {sport} to {TCP_CLOSED}", frame, drop("closed_port"), key=key)
        frame, key = p.udp4(UDP_CLOSED, sport=sport)
        p.add(cat, f"UDP from port {sport} to {UDP_CLOSED}", frame, drop("closed_port"), key=key)
        frame, key = p.tcp6(TCP_CLOSED, sport=sport)
        p.add(cat, f"IPv6 SYN from port {sport} to {TCP_CLOSED}", frame, drop("closed_port"), key=key)
    frame, key = p.udp4(49153, sport=53)
    p.add(cat, "UDP 53 -> 49153 (a DNS answer to an ephemeral port nobody holds)", frame,
          drop("closed_port"), key=key)
    frame, key = p.udp4(68, sport=67)
    # The device's DHCP client asked from 68 (tools/lab's DHCP server answered): any other
    # datagram from a server port to it answers no request in flight.
    p.add(cat, "UDP 67 -> 68 (a DHCP answer to no request of the device's client)", frame,
          drop("unsolicited_reply"), key=key)
    frame, key = p.udp6(546, sport=547)
    p.add(cat, "UDP 547 -> 546 (a DHCPv6 reply, no client)", frame, drop("closed_port"), key=key)
    frame, key = p.tcp4(TCP_OPEN, flags="A", sport=20)
    p.add(cat, f"ACK from port 20 (FTP data) to {TCP_OPEN}", frame, drop("no_connection"), key=key)

    # -- spoofed sources ---------------------------------------------------------------------------
    cat = "spoofed"
    frame, key = p.tcp4(TCP_CLOSED, src=SPOOF4)
    p.add(cat, f"SYN from {SPOOF4} to {TCP_CLOSED}", frame, drop("closed_port"), key=key)
    frame, key = p.udp4(UDP_CLOSED, src=SPOOF4)
    p.add(cat, f"UDP from {SPOOF4} to {UDP_CLOSED}", frame, drop("closed_port"), key=key)
    frame, key = p.tcp4(TCP_OPEN_BY_SOURCE, flags="A", src=SPOOF4)
    p.add(cat, f"ACK from {SPOOF4} to {TCP_OPEN_BY_SOURCE}", frame, drop("no_connection"), key=key)
    frame, key = p.tcp6(TCP_CLOSED, src=SPOOF6)
    p.add(cat, f"SYN from {SPOOF6} to {TCP_CLOSED}", frame, drop("closed_port"), key=key)
    # LAND: the device's own address as source (and destination). Before the classifier
    # dropped these, a SYN to 22 left a PCB in SYN_RCVD whose SYN-ACK went to the device
    # itself: ARP who-has 192.0.2.2 / a neighbour solicitation for 2001:db8::2 on the link
    # at each retransmission.
    frame, key = p.tcp4(TCP_CLOSED, src=D4)
    p.add(cat, f"LAND: SYN from {D4} to {D4}:{TCP_CLOSED}", frame, drop("malformed"), key=key)
    frame, key = p.tcp4(TCP_OPEN, src=D4)
    p.add(cat, f"LAND: SYN from {D4} to {D4}:{TCP_OPEN} (allowed port)", frame, drop("malformed"),
          key=key)
    frame, key = p.udp4(UDP_OPEN, src=D4)
    p.add(cat, f"LAND: UDP from {D4} to {D4}:{UDP_OPEN} (allowed port)", frame, drop("malformed"),
          key=key)
    frame, key = p.tcp6(TCP_OPEN, src=D6)
    p.add(cat, f"LAND: SYN from {D6} to [{D6}]:{TCP_OPEN} (allowed port)", frame, drop("malformed"),
          key=key)
    # Another of the device's own addresses as source: to the subnet broadcast (an allowed UDP
    # port takes broadcasts; the service would answer the device itself), from its link-local
    # address to its global one and back.
    frame, key = p.udp4(UDP_OPEN, src=D4, dst=BCAST4, l2=BCAST_MAC)
    p.add(cat, f"UDP from {D4} to {BCAST4}:{UDP_OPEN} (allowed port)", frame, drop("malformed"),
          key=key)
    frame, key = p.tcp6(TCP_OPEN, src=DLL6)
    p.add(cat, f"SYN from {DLL6} to [{D6}]:{TCP_OPEN} (allowed port)", frame, drop("malformed"),
          key=key)
    frame, key = p.tcp6(TCP_OPEN, src=D6, dst=DLL6)
    p.add(cat, f"SYN from {D6} to [{DLL6}]:{TCP_OPEN} (allowed port)", frame, drop("malformed"),
          key=key)
    frame, key = p.tcp4(TCP_CLOSED, src=BCAST4)
    p.add(cat, f"SYN from the broadcast address to {TCP_CLOSED}", frame, drop("closed_port"), key=key)
    frame, key = p.tcp4(TCP_OTHER_SOURCE)
    p.add(cat, f"SYN from {H4} to {TCP_OTHER_SOURCE} (allowed from 198.51.100.0/24 only)", frame,
          drop("closed_port"), key=key)

    # -- allowed ports, sources or destinations no connection can have --------------------------
    # The allow rule admits these SYNs (the filter passes them); lwIP itself discards them:
    # ip4_input/ip6_input drop loopback, unspecified, broadcast and multicast sources (and
    # lwIP will not route to 127/8), tcp_input drops TCP to broadcast and multicast. But lwIP
    # built with DHCP takes any packet from 0.0.0.0 (a DHCP client's source) and would answer
    # the SYN: the filter drops it.
    cat = "allowed-bogus"
    frame, key = p.tcp4(TCP_OPEN, src="0.0.0.0")
    p.add(cat, f"SYN from 0.0.0.0 to {TCP_OPEN}", frame, drop("malformed"), key=key)
    for src in ("127.0.0.1", MCAST4, LIMITED4):
        frame, key = p.tcp4(TCP_OPEN, src=src)
        p.add(cat, f"SYN from {src} to {TCP_OPEN}", frame, ("pass", "allowed"), key=key)
    # IPv6 sources no wire carries (::1, multicast) and :: for a transport: the filter drops
    # them (lwIP takes a SYN from ::1 and answers it through the default router the lab's
    # router advertisement gave it).
    for src in ("::1", "::", MCAST6):
        frame, key = p.tcp6(TCP_OPEN, src=src)
        p.add(cat, f"SYN from {src} to {TCP_OPEN}", frame, drop("malformed"), key=key)
    for dst, mac in ((BCAST4, BCAST_MAC), (LIMITED4, BCAST_MAC), (MCAST4, MCAST4_MAC)):
        frame, key = p.tcp4(TCP_OPEN, dst=dst, l2=mac)
        p.add(cat, f"SYN to {dst}:{TCP_OPEN}", frame, ("pass", "allowed"), key=key)
    frame, key = p.tcp6(TCP_OPEN, dst=MCAST6, l2=MCAST6_MAC)
    p.add(cat, f"SYN to [{MCAST6}]:{TCP_OPEN}", frame, ("pass", "allowed"), key=key)

    # -- ICMP / ICMPv6 errors quoting flows that do not exist ---------------------------------------
    cat = "icmp-errors"

    def quote4(proto, sport, dport, src=D4, dst=H4):
        l4 = s.TCP(sport=sport, dport=dport) if proto == 6 else s.UDP(sport=sport, dport=dport)
        return bytes(s.IP(src=src, dst=dst) / l4)[:28]

    def quote6(sport, dport, src=D6, dst=H6):
        return bytes(s.IPv6(src=src, dst=dst) / s.TCP(sport=sport, dport=dport))[:48]

    icmp4 = (
        ("dest unreachable (port) quoting tcp 8443 -> 40001", {"type": 3, "code": 3}, quote4(6, 8443, 40001)),
        ("fragmentation needed (PMTU 576) quoting tcp 22 -> 40002",
         {"type": 3, "code": 4, "nexthopmtu": 576}, quote4(6, 22, 40002)),
        ("time exceeded quoting udp 5683 -> 40003", {"type": 11, "code": 0}, quote4(17, 5683, 40003)),
        ("parameter problem quoting tcp 8080 -> 40004", {"type": 12, "code": 0}, quote4(6, 8080, 40004)),
        ("dest unreachable quoting a packet the device did not send",
         {"type": 3, "code": 1}, quote4(6, 40005, 22, src=H4, dst=D4)),
        ("redirect", {"type": 5, "code": 1, "gw": H4}, quote4(6, 8443, 40006)),
    )
    for what, fields, quote in icmp4:
        p.add(cat, f"ICMP {what}", p.eth() / s.IP(src=H4, dst=D4) / s.ICMP(**fields) / s.Raw(quote),
              drop("icmp_denied"))
    p.add(cat, "ICMP dest unreachable with a quote cut to 10 bytes",
          p.eth() / s.IP(src=H4, dst=D4) / s.ICMP(type=3, code=3) / s.Raw(quote4(6, 8443, 40007)[:10]),
          drop("malformed"))
    ident = p.ident()
    p.add(cat, "ICMP timestamp request", p.eth() / s.IP(src=H4, dst=D4) / s.ICMP(type=13, id=ident)
          / s.Raw(b"\0" * 12), drop("icmp_denied"), key=("icmp", ident))
    ident = p.ident()
    p.add(cat, "ICMP address mask request", p.eth() / s.IP(src=H4, dst=D4) / s.ICMP(type=17, id=ident)
          / s.Raw(b"\0" * 4), drop("icmp_denied"), key=("icmp", ident))
    icmp6 = (
        ("dest unreachable (port) quoting tcp 8443 -> 40011", s.ICMPv6DestUnreach(code=4), quote6(8443, 40011)),
        ("packet too big (1280) quoting tcp 22 -> 40012", s.ICMPv6PacketTooBig(mtu=1280), quote6(22, 40012)),
        ("time exceeded quoting tcp 8080 -> 40013", s.ICMPv6TimeExceeded(), quote6(8080, 40013)),
        ("parameter problem quoting tcp 8443 -> 40014", s.ICMPv6ParamProblem(code=0, ptr=6), quote6(8443, 40014)),
        ("dest unreachable quoting a packet the device did not send", s.ICMPv6DestUnreach(code=1),
         quote6(40015, 22, src=H6, dst=D6)),
    )
    for what, head, quote in icmp6:
        p.add(cat, f"ICMPv6 {what}", p.eth() / s.IPv6(src=H6, dst=D6) / head / s.Raw(quote),
              drop("icmp_denied"))
    p.add(cat, "ICMPv6 dest unreachable with a quote cut to 20 bytes",
          p.eth() / s.IPv6(src=H6, dst=D6) / s.ICMPv6DestUnreach(code=4) / s.Raw(quote6(8443, 40016)[:20]),
          drop("malformed"))
    p.add(cat, "ICMPv6 neighbour solicitation with hop limit 64 (off-link)",
          p.eth() / s.IPv6(src="2001:db8::66", dst=D6, hlim=64) / s.ICMPv6ND_NS(tgt=D6)
          / s.ICMPv6NDOptSrcLLAddr(lladdr=p.host_mac), drop("icmp_denied"))
    p.add(cat, "ICMPv6 router advertisement with hop limit 64 (off-link)",
          p.eth() / s.IPv6(src="fe80::66", dst=D6, hlim=64) / s.ICMPv6ND_RA(), drop("icmp_denied"))
    p.add(cat, "ICMPv6 node information query (139)",
          p.eth() / s.IPv6(src=H6, dst=D6) / s.ICMPv6NIQueryNOOP(), drop("icmp_denied"))

    # -- broadcast and multicast destinations ---------------------------------------------------------
    cat = "broadcast"
    for dst, mac in ((BCAST4, BCAST_MAC), (LIMITED4, BCAST_MAC), (MCAST4, MCAST4_MAC)):
        frame, key = p.udp4(UDP_CLOSED, dst=dst, l2=mac)
        p.add(cat, f"UDP to {dst}:{UDP_CLOSED}", frame, drop("broadcast"), key=key)
        frame, key = p.tcp4(TCP_CLOSED, dst=dst, l2=mac)
        p.add(cat, f"SYN to {dst}:{TCP_CLOSED}", frame, drop("broadcast"), key=key)
        ident = p.ident()
        p.add(cat, f"ICMP echo to {dst} (echo on: still no answer)",
              p.eth(mac) / s.IP(src=H4, dst=dst) / s.ICMP(type=8, id=ident), drop("broadcast"),
              key=("icmp", ident))
    frame, key = p.udp6(UDP_CLOSED, dst=MCAST6, l2=MCAST6_MAC)
    p.add(cat, f"UDP to [{MCAST6}]:{UDP_CLOSED}", frame, drop("broadcast"), key=key)
    frame, key = p.tcp6(TCP_CLOSED, dst=MCAST6, l2=MCAST6_MAC)
    p.add(cat, f"SYN to [{MCAST6}]:{TCP_CLOSED}", frame, drop("broadcast"), key=key)
    ident = p.ident()
    p.add(cat, f"ICMPv6 echo to {MCAST6} (host discovery)",
          p.eth(MCAST6_MAC) / s.IPv6(src=H6, dst=MCAST6) / s.ICMPv6EchoRequest(id=ident),
          drop("broadcast"), key=("icmp6", ident))


# ---- sending, sniffing, attributing ---------------------------------------------------------------
def reply_key(s, pkt):
    """(benign-description, None) for background traffic, (None, key) for a reply to a probe,
    (None, None) for anything else."""
    if pkt.haslayer(s.ARP):
        arp = pkt[s.ARP]
        if arp.pdst == H4 and arp.op in (1, 2):
            return "arp about the host", None
        return None, None
    # Neighbour discovery about the host (or the device's own duplicate address detection);
    # a solicitation for another address or an advertisement to one would answer a probe.
    if pkt.haslayer(s.ICMPv6ND_NS):
        ns = pkt[s.ICMPv6ND_NS]
        if ns.tgt == H6 or ns.tgt.startswith("fe80::") or pkt[s.IPv6].src == "::":
            return "neighbour solicitation", None
        return None, None
    if pkt.haslayer(s.ICMPv6ND_NA):
        dst = pkt[s.IPv6].dst
        if dst in (H6, "ff02::1") or dst.startswith("fe80::"):
            return "neighbour advertisement", None
        return None, None
    if pkt.haslayer(s.IPv6) and pkt.haslayer(s.ICMPv6ND_RS):
        return "router solicitation", None
    if pkt.haslayer(s.IPv6) and pkt[s.IPv6].dst.startswith("ff02::") and (
            pkt.haslayer(s.ICMPv6MLReport2) or pkt.haslayer(s.ICMPv6MLReport) or pkt.haslayer(s.ICMPv6MLDone)):
        return "MLD report", None
    v6 = pkt.haslayer(s.IPv6)
    ip = pkt[s.IPv6] if v6 else (pkt[s.IP] if pkt.haslayer(s.IP) else None)
    if ip is None:
        return None, None
    v = 6 if v6 else 4
    # An ICMP error quotes the probe it answers (v4 errors quote v4, v6 errors v6).
    if pkt.haslayer(s.TCPerror):
        q = pkt[s.TCPerror]
        return None, (v, "tcp", q.sport, q.dport)
    if pkt.haslayer(s.UDPerror):
        q = pkt[s.UDPerror]
        return None, (v, "udp", q.sport, q.dport)
    if pkt.haslayer(s.ICMP):
        icmp = pkt[s.ICMP]
        return None, (("icmp", icmp.id) if icmp.type == 0 else None)
    if pkt.haslayer(s.ICMPv6EchoReply):
        return None, ("icmp6", pkt[s.ICMPv6EchoReply].id)
    if pkt.haslayer(s.TCP):
        tcp = pkt[s.TCP]
        if tcp.dport == MQTT_PORT and ip.dst in (H4, H6) and str(tcp.flags) == "S":
            return "MQTT push connection attempt", None
        if tcp.sport == MGMT_PORT and tcp.dport >= 32768 and ip.dst in (H4, H6):
            return "a status poll's connection", None
        return None, (v, "tcp", tcp.dport, tcp.sport)
    if pkt.haslayer(s.UDP):
        udp = pkt[s.UDP]
        if v == 4 and udp.sport == 68 and udp.dport == 67:
            return "DHCP request (the lease's renewal)", None
        if udp.dport == 53 and ip.dst in (H4, H6):
            return "DNS query (the push resolving its broker's name)", None
        return None, (v, "udp", udp.dport, udp.sport)
    return None, None


def start_sniffer(s, **kwargs):
    """An AsyncSniffer on the TAP, returned once it captures (bounded: 10 s), so that no reply
    can go by before it listens (a probe nothing answered must mean nothing was sent)."""
    ready = threading.Event()
    sniffer = s.AsyncSniffer(iface=IFACE, started_callback=ready.set, **kwargs)
    sniffer.start()
    if not ready.wait(10):
        raise RuntimeError(f"the sniffer on {IFACE} did not start within 10 s")
    return sniffer


def run(p, gap, settle):
    s = p.s
    sniffer = start_sniffer(s, store=True,
                            lfilter=lambda f: f.haslayer(s.Ether) and f[s.Ether].src == DEV_MAC)
    sock = s.conf.L2socket(iface=IFACE)
    t0 = time.monotonic()
    try:
        for item in p.items:
            sock.send(s.Raw(item["frame"]))
            time.sleep(gap)
    finally:
        sock.close()
    sent_s = time.monotonic() - t0
    time.sleep(settle)
    captured = sniffer.stop()
    background = Counter()
    unexpected = []
    for pkt in captured:
        benign, key = reply_key(s, pkt)
        if benign:
            background[benign] += 1
        elif key is not None and key in p.keys:
            synack = pkt.haslayer(s.TCP) and not pkt.haslayer(s.TCPerror) and \
                str(pkt[s.TCP].flags) == "SA"
            p.items[p.keys[key]]["got"].append({"frame": pkt.summary(), "synack": bool(synack)})
        else:
            unexpected.append(pkt.summary())
    return {"sent_s": round(sent_s, 2), "background": dict(background), "unexpected": unexpected}


def verdicts(p, result):
    """PASS/FAIL lines per category; returns the list of lines."""
    lines = []
    by_cat = {}
    for item in p.items:
        by_cat.setdefault(item["cat"], []).append(item)
    for cat, items in by_cat.items():
        silent = [i for i in items if i["reply"] is None]
        answering = [i for i in items if i["reply"] == "synack"]
        leaks = [i for i in silent if i["got"]]
        missing = [i for i in answering if not any(g["synack"] for g in i["got"])]
        wrong = [i for i in answering if not all(g["synack"] for g in i["got"])]
        expects = Counter(" ".join(i["expect"][:2]) if i["expect"][0] != "below" else "below"
                          for i in items)
        summary = ", ".join(f"{k} {v}" for k, v in sorted(expects.items()))
        lines.append(f"INFO: {cat}: {len(items)} probes ({summary}); "
                     f"{sum(1 for i in items if i['got'])} answered")
        if leaks:
            lines.append(f"FAIL: {cat}: {len(leaks)} of {len(silent)} probes that must get nothing got "
                         "a reply: " + "; ".join(f"{i['name']} -> {i['got'][0]['frame']}" for i in leaks[:8]))
        else:
            lines.append(f"PASS: {cat}: none of the {len(silent)} probes that must stay unanswered got "
                         "anything (no RST, no ICMP, nothing)")
        if answering:
            if missing or wrong:
                lines.append(f"FAIL: {cat}: of {len(answering)} connection attempts to allowed ports, "
                             f"{len(missing)} got no SYN-ACK, {len(wrong)} got something else: " +
                             "; ".join(f"{i['name']} -> {[g['frame'] for g in i['got']]}"
                                       for i in (missing + wrong)[:8]))
            else:
                lines.append(f"PASS: {cat}: each of the {len(answering)} connection attempts to an "
                             "allowed port (the positive controls) got its SYN-ACK")
    if result["unexpected"]:
        lines.append(f"FAIL: the device sent {len(result['unexpected'])} frames that answer no probe: " +
                     "; ".join(result["unexpected"][:8]))
    else:
        bg = ", ".join(f"{k} {v}" for k, v in sorted(result["background"].items())) or "none"
        lines.append(f"PASS: every frame the device sent answers a probe or is background ({bg})")
    return lines


def expected_counts(p):
    drops, passes, below = Counter(), Counter(), 0
    for item in p.items:
        kind, what = item["expect"][0], item["expect"][1]
        if kind == "drop":
            drops[what] += 1
        elif kind == "pass":
            passes[what] += 1
        else:
            below += 1
    return {"drops": dict(drops), "passes": dict(passes), "below": below}


def cmd_send(args, build):
    s = scapy()
    p = Probes(s, args.board)
    build(p)
    result = run(p, args.gap, args.settle)
    lines = verdicts(p, result)
    doc = {"board": args.board, "probes": len(p.items), "expected": expected_counts(p),
           "result": result,
           "categories": {},
           "items": [{k: v for k, v in i.items() if k != "frame"} for i in p.items]}
    for item in p.items:
        c = doc["categories"].setdefault(item["cat"], {"probes": 0, "answered": 0, "expect": Counter()})
        c["probes"] += 1
        c["answered"] += 1 if item["got"] else 0
        c["expect"][" ".join(item["expect"][:2]) if item["expect"][0] != "below" else "below"] += 1
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    print(f"INFO: {len(p.items)} frames sent in {result['sent_s']} s (gap {args.gap * 1000:.0f} ms)")
    print("\n".join(lines))
    return 0


def cmd_alive(_args):
    """After the barrage: a plain SYN to 22 still gets a SYN-ACK (IPv4, IPv6), a datagram to
    5683 still comes back (a real socket, so the host stack does not answer the echo)."""
    s = scapy()
    host_mac = s.get_if_hwaddr(IFACE)
    ok = True
    for fam, l3 in (("IPv4", s.IP(src=H4, dst=D4)), ("IPv6", s.IPv6(src=H6, dst=D6))):
        sport = 33000 + (6 if fam == "IPv6" else 4)
        probe = s.Ether(src=host_mac, dst=DEV_MAC) / l3 / s.TCP(sport=sport, dport=TCP_OPEN, flags="S")
        ans = s.srp1(probe, iface=IFACE, timeout=3, retry=2)
        if ans is not None and ans.haslayer(s.TCP) and str(ans[s.TCP].flags) == "SA":
            print(f"PASS: {fam} SYN to {TCP_OPEN} after the barrage gets a SYN-ACK")
        else:
            ok = False
            print(f"FAIL: {fam} SYN to {TCP_OPEN} after the barrage: {ans.summary() if ans else 'no answer'}")
    for fam, af, addr in (("IPv4", socket.AF_INET, D4), ("IPv6", socket.AF_INET6, D6)):
        payload = f"portcullis adversarial {fam} echo".encode()
        got = None
        with socket.socket(af, socket.SOCK_DGRAM) as sock:
            sock.settimeout(2)
            for _ in range(3):
                sock.sendto(payload, (addr, UDP_OPEN))
                try:
                    got = sock.recv(2048)
                    break
                except socket.timeout:
                    continue
        if got == payload:
            print(f"PASS: {fam} UDP datagram to {UDP_OPEN} after the barrage comes back (echo)")
        else:
            ok = False
            print(f"FAIL: {fam} UDP datagram to {UDP_OPEN} after the barrage: {got!r}")
    return 0 if ok else 1


def cmd_ptb(args):
    """One ICMPv6 Packet Too Big naming 48 bytes, quoting a live connection of the device and
    sent from an address that is nobody's, wedged lwIP 2.2.1 at the device's next packet to
    that peer (its fragmenter looped forever). A real TCP connection from the namespace to
    [D6]:22 (the lab's discard service); Packet Too Bigs of 1279, 55 and 48 about it, one of
    48 about no connection: all dropped as bad_mtu. Then data on the connection: the device
    must still ACK it, whole (no fragment), and send a bounded number of frames. The positive
    control: a Packet Too Big of 1280 about the same connection passes (icmp_error_own_flow)
    and the connection still works after it."""
    s = scapy()
    host_mac = s.get_if_hwaddr(IFACE)
    seen = []
    counted = Counter()

    def keep(f):
        counted["frames"] += 1
        if len(seen) < 200:
            seen.append(f)

    sniffer = start_sniffer(s, store=False, prn=keep,
                            lfilter=lambda f: f.haslayer(s.Ether) and f[s.Ether].src == DEV_MAC)
    lines = []
    probes = []
    conn = socket.create_connection((D6, TCP_OPEN), timeout=10)
    lport = conn.getsockname()[1]

    def ptb(mtu, dport, src=SPOOF6):
        quote = bytes(s.IPv6(src=D6, dst=H6) / s.TCP(sport=TCP_OPEN, dport=dport, flags="PA"))[:48]
        return s.Ether(src=host_mac, dst=DEV_MAC) / s.IPv6(src=src, dst=D6) / \
            s.ICMPv6PacketTooBig(mtu=mtu) / s.Raw(quote)

    def acked(count_before, what):
        """Waits (bounded) for the device's ACK of the data just sent on the connection."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for f in seen[count_before:]:
                if f.haslayer(s.TCP) and f[s.TCP].sport == TCP_OPEN and f[s.TCP].dport == lport \
                        and "A" in str(f[s.TCP].flags):
                    whole = not f.haslayer(s.IPv6ExtHdrFragment)
                    lines.append(("PASS: " if whole else "FAIL: ") +
                                 f"the device ACKs data on [{D6}]:{TCP_OPEN} {what}" +
                                 ("" if whole else " but in fragments"))
                    return
            time.sleep(0.05)
        lines.append(f"FAIL: no ACK from [{D6}]:{TCP_OPEN} within 5 s {what} (device wedged?)")

    try:
        sock = s.conf.L2socket(iface=IFACE)
        try:
            # 48 last: lwIP kept the last MTU it was told, and 48 is the one that wedged it.
            for mtu, dport, what in ((1279, lport, "a live connection"), (48, 40999, "no connection"),
                                     (55, lport, "a live connection"), (48, lport, "a live connection")):
                sock.send(ptb(mtu, dport))
                probes.append({"name": f"Packet Too Big {mtu} about {what}", "expect": ["drop", "bad_mtu"]})
                time.sleep(0.05)
            before = len(seen)
            conn.sendall(b"x" * 100)
            acked(before, "after Packet Too Bigs of 1279, 55 and 48 bytes")
            sock.send(ptb(1280, lport))
            probes.append({"name": "Packet Too Big 1280 about a live connection",
                           "expect": ["pass", "icmp_error_own_flow"]})
            time.sleep(0.2)
            before = len(seen)
            conn.sendall(b"y" * 100)
            acked(before, "after a Packet Too Big of 1280 bytes (the positive control)")
        finally:
            sock.close()
    finally:
        conn.close()
    time.sleep(1.0)
    sniffer.stop()
    frames = counted["frames"]
    lines.append(("PASS: " if frames < 100 else "FAIL: ") +
                 f"the device sent {frames} frames during the Packet Too Big probes (bounded: < 100)")
    exp = {"drops": dict(Counter(p["expect"][1] for p in probes if p["expect"][0] == "drop")),
           "passes": dict(Counter(p["expect"][1] for p in probes if p["expect"][0] == "pass")),
           "below": 0}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"board": args.board, "probes": len(probes), "expected": exp, "items": probes,
                   "frames_from_device": frames}, f, indent=1)
    print("\n".join(lines))
    return 0 if all(line.startswith("PASS") for line in lines) else 1


def cmd_account(args):
    """The counters before and after a phase account for its probes."""
    before_doc = json.load(open(args.before, encoding="utf-8"))
    after_doc = json.load(open(args.after, encoding="utf-8"))
    before, after = before_doc["counters"], after_doc["counters"]
    probes = json.load(open(args.probes, encoding="utf-8"))
    exp = probes["expected"]
    phase = args.phase
    delta = {k: after[k] - before[k] for k in ("rx_total", "passed_total", "dropped_total")}
    reasons = sorted(set(after["dropped_by_reason"]) | set(exp["drops"]))
    rdelta = {r: after["dropped_by_reason"].get(r, 0) - before["dropped_by_reason"].get(r, 0)
              for r in reasons}
    want_drops = sum(exp["drops"].values())
    want_passes = sum(exp["passes"].values())
    counted = want_drops + want_passes
    print(f"INFO: {phase}: {probes['probes']} frames: {want_drops} to be dropped by the filter "
          f"{dict(sorted(exp['drops'].items()))}, {want_passes} to be passed {exp['passes']}, "
          f"{exp['below']} discarded below it (uncounted)")
    print(f"INFO: {phase}: counters grew rx_total +{delta['rx_total']}, passed_total "
          f"+{delta['passed_total']}, dropped_total +{delta['dropped_total']}, by reason " +
          ", ".join(f"{r} +{rdelta[r]}" for r in reasons if rdelta[r] or exp["drops"].get(r)))
    bad = 0

    def verdict(ok, text):
        nonlocal bad
        print(("PASS: " if ok else "FAIL: ") + text)
        bad += 0 if ok else 1

    verdict(delta["dropped_total"] >= want_drops,
            f"{phase}: dropped_total grew by {delta['dropped_total']} >= the {want_drops} probes "
            "the filter must drop")
    for r in reasons:
        want = exp["drops"].get(r, 0)
        got = rdelta[r]
        if r in EXACT_REASONS:
            verdict(got == want, f"{phase}: dropped_by_reason.{r} grew by exactly the {want} probes "
                    f"of that kind (got +{got})")
        else:
            verdict(got >= want, f"{phase}: dropped_by_reason.{r} grew by {got} >= the {want} probes "
                    f"of that kind ({got - want} from the lab's own traffic)")
    verdict(delta["passed_total"] >= want_passes,
            f"{phase}: passed_total grew by {delta['passed_total']} >= the {want_passes} probes the "
            "filter must pass")
    verdict(delta["rx_total"] == delta["passed_total"] + delta["dropped_total"],
            f"{phase}: rx_total = passed_total + dropped_total (+{delta['rx_total']})")
    background = delta["rx_total"] - counted
    verdict(background >= 0, f"{phase}: rx_total grew by {delta['rx_total']} >= the {counted} "
            f"probes that reach the filter; {background} packets of the lab's own traffic (TLS "
            "polls, RSTs the namespace sends for SYN-ACKs, neighbour discovery)")
    if bad:
        # What the device logged of this phase's drops, to tell a probe from the lab's traffic.
        since = max((e["uptime_ms"] for e in before_doc.get("recent_blocked", [])), default=-1)
        for e in after_doc.get("recent_blocked", []):
            if e["uptime_ms"] > since:
                print(f"INFO: {phase}: blocked {e['reason']} {e['proto']} from {e['src']} "
                      f"port {e['port']} at {e['uptime_ms']} ms")
    if exp["below"]:
        # Anything counted beyond the probes that reach the filter is passed traffic: none of
        # the discarded frames was counted as a drop.
        extra_drops = delta["dropped_total"] - want_drops - (rdelta.get("no_connection", 0) -
                                                             exp["drops"].get("no_connection", 0))
        verdict(extra_drops == 0, f"{phase}: none of the {exp['below']} frames discarded below the "
                f"filter was counted as a drop (extra drops: {extra_drops})")
    return 1 if bad else 0


def main():
    global IFACE  # pylint: disable=global-statement
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("link", "barrage"):
        sp = sub.add_parser(name)
        sp.add_argument("--board", required=True)
        sp.add_argument("--out", required=True)
        sp.add_argument("--gap", type=float, default=0.002, help="seconds between frames")
        sp.add_argument("--settle", type=float, default=1.5, help="seconds to wait for late replies")
        sp.add_argument("--repeat", type=int, default=10, help="link: copies of each frame")
        sp.add_argument("--iface", default=IFACE, help="the lab's TAP (tools/lab: LAB_TAP)")
    sp = sub.add_parser("ptb")
    sp.add_argument("--board", required=True)
    sp.add_argument("--out", required=True)
    sp.add_argument("--iface", default=IFACE, help="the lab's TAP (tools/lab: LAB_TAP)")
    sp = sub.add_parser("alive")
    sp.add_argument("--iface", default=IFACE, help="the lab's TAP (tools/lab: LAB_TAP)")
    sp = sub.add_parser("account")
    sp.add_argument("--phase", required=True)
    sp.add_argument("before")
    sp.add_argument("after")
    sp.add_argument("probes")
    args = ap.parse_args()
    IFACE = getattr(args, "iface", IFACE)
    if args.cmd == "link":
        return cmd_send(args, lambda p: link_probes(p, args.repeat))
    if args.cmd == "barrage":
        return cmd_send(args, barrage_probes)
    if args.cmd == "ptb":
        return cmd_ptb(args)
    if args.cmd == "alive":
        return cmd_alive(args)
    return cmd_account(args)


if __name__ == "__main__":
    sys.exit(main())
