#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/network_test.sh BOARD: the device on a network it did not know at build time.
# It boots with a policy that answers no ping (tests/lab/policies/quiet.allow), so tools/lab
# must find it up by its mgmt port; takes its IPv4 address from the lab's DHCP server
# (dnsmasq) and an IPv6 address by SLAAC from its router advertisements (polled there too),
# resolves its broker's name with the lab's DNS, sets its clock by SNTP from the lab's chronyd
# (the server its lease names) and then refuses an expired management certificate, renews the
# lease (T1 shortened to a few seconds), and drops forged DHCP answers of another transaction,
# forged DNS answers (another ID, another server) and SNTP answers it did not ask for, counted
# as unsolicited_reply, while the real exchanges go on.
# (filter_test.sh scans the same DHCP-addressed device with nmap.) Packets stay in the lab
# namespace; everything is bounded.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/network_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3
readonly POLICY="$ROOT/tests/lab/policies/quiet.allow"
readonly T1=6          # seconds until the device renews its lease (dnsmasq options 58/59)
readonly RENEW_BOUND=30 # seconds to wait for the renewal in dnsmasq's log
readonly FORGED=4      # forged DHCP answers sent
readonly FORGED_NTP=2  # forged SNTP answers sent
readonly CLOCK_SKEW=30 # seconds the device's clock may differ from the lab host's
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_network_$WANT_BOARD"
claim_lab_instance

WORK="$(mktemp -d)"
trap lab_finish EXIT

# ---- up without echo, by DHCP ----------------------------------------------------------
export PORTCULLIS_LAB_DHCP_T1=$T1
# The device's NIC from power-on: its first SNTP request (its port) is sent within a second.
export PORTCULLIS_LAB_PCAP="$WORK/boot.pcap"
lab_up "lab up with quiet.allow: no echo, found by its mgmt port" --policy "$POLICY"
readonly BASE="https://$DEVICE_IPV4:$MGMT_PORT"

# The push resolves the broker's name (BROKER_NAME) before every connection attempt; nothing
# listens on the broker's port here, so it keeps trying (and asking) after its backoff. A
# sniffer notes the first query it sees (source port and ID) while the checks below run.
"$LAB" exec "$PY" - "$LAB_TAP" "$DEVICE_IPV4" "$WORK/query.txt" >"$WORK/sniffer.out" 2>&1 <<'PYEOF' &
import logging, sys
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import DNS, UDP, sniff
iface, device, out = sys.argv[1:4]
got = sniff(iface=iface, count=1, timeout=60,
            lfilter=lambda p: p.haslayer(DNS) and p.haslayer("IP") and p[UDP].dport == 53 and p["IP"].src == device)
if got:
    open(out, "w").write(f"{got[0][UDP].sport} {got[0][DNS].id}\n")
PYEOF
SNIFFER=$!

check "the console says the address came by DHCP" \
  grep -Eq "ipv4 $DEVICE_IPV4 mask 255\.255\.255\.0 by dhcp" "$CONSOLE_LOG"
check "dnsmasq acknowledged $DEVICE_IPV4 to the device's MAC ($DEVICE_MAC)" \
  grep -Eq "DHCPACK\(.*\) $DEVICE_IPV4 $DEVICE_MAC" "$DHCP_LOG"
# The negative beside its positive: no echo reply, while the mgmt port answers a poll.
if "$LAB" exec ping -4 -n -q -c 2 -W 1 "$DEVICE_IPV4" >/dev/null 2>&1; then
  fail "the device answered ping with echo off"
else
  pass "no echo reply (echo off)"
fi
if mgmt_curl -o "$WORK/before.json" "$BASE/v1/status"; then
  pass "GET /v1/status over mutual TLS at the DHCP address"
else
  fail "GET /v1/status over mutual TLS at the DHCP address"
  exit 1
fi

# ---- the time, by SNTP ----------------------------------------------------------------------
# The lease names the lab's chronyd (DHCP option 42); the device asks it once it has its
# address, and from then on checks certificate dates against that time.
if console_within "time [0-9-]+T[0-9:]+Z by sntp" 20; then
  pass "the console says the time came by SNTP: $(grep -Eo "time [0-9-]+T[0-9:]+Z by sntp" "$CONSOLE_LOG" | head -n 1)"
else
  fail "no 'time ... by sntp' on the console within 20 s"
fi
clock_ok() { # STATUS_JSON: device.time_known and device.time within CLOCK_SKEW of the host's
  "$PY" -c 'import datetime, json, sys
d = json.load(open(sys.argv[1]))["device"]
assert d["time_known"] is True, d
t = datetime.datetime.strptime(d["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
skew = abs((t - datetime.datetime.now(datetime.timezone.utc)).total_seconds())
text = d["time"]
assert skew <= int(sys.argv[2]), f"{text} is {skew:.0f} s off"' "$1" "$CLOCK_SKEW"
}
if mgmt_curl -o "$WORK/timed.json" "$BASE/v1/status"; then
  check "the status says time_known and the device's time is within ${CLOCK_SKEW} s of the host's" \
    clock_ok "$WORK/timed.json"
else
  fail "GET /v1/status once the time is known"
fi

# An expired management certificate (the CA's, with mgmt.crt's subject, key and purpose, but
# valid only until yesterday: after this image's floor date, so only the time from SNTP
# tells) is refused, and the current one, in the same breath, is not.
if dated_copy mgmt "$(date -u -d '-2 days' +%Y%m%d%H%M%SZ)" "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)" \
  "$WORK/mgmt-expired"; then
  if "$LAB" exec curl -sS -v --max-time 20 --cacert "$PKI_DIR/ca.crt" --cert "$WORK/mgmt-expired.crt" \
    --key "$WORK/mgmt-expired.key" -o /dev/null "$BASE/v1/status" 2>"$WORK/expired.err"; then
    fail "a management certificate that expired yesterday was accepted"
  elif grep -q "TLS alert, certificate expired" "$WORK/expired.err"; then
    pass "a management certificate that expired yesterday is refused with a certificate_expired alert"
  else
    fail "the expired management certificate failed, but not with certificate_expired:"
    tail -n 5 "$WORK/expired.err" | sed 's/^/    /'
  fi
  check "the current management certificate is still accepted" mgmt_curl -o /dev/null "$BASE/v1/status"
else
  fail "making an expired copy of mgmt.crt (openssl ca)"
fi

# ---- SLAAC ------------------------------------------------------------------------------------
# The lab's router advertisements (dnsmasq, ra-only) give the device a second global address.
if console_within "ipv6 $DEVICE_IPV6_SLAAC preferred" 20; then
  pass "the console says $DEVICE_IPV6_SLAAC (SLAAC from the lab's router advertisement) is preferred"
else
  fail "no SLAAC address $DEVICE_IPV6_SLAAC on the console within 20 s"
fi
# The device's certificate names DEVICE_IPV6 (::2), not an address the network gave it: curl
# checks the certificate as ::2's and connects to the SLAAC address.
if mgmt_curl -o "$WORK/slaac.json" -g --connect-to "[$DEVICE_IPV6]:$MGMT_PORT:[$DEVICE_IPV6_SLAAC]:$MGMT_PORT" \
  "https://[$DEVICE_IPV6]:$MGMT_PORT/v1/status"; then
  pass "GET /v1/status over mutual TLS at the SLAAC address"
else
  fail "GET /v1/status over mutual TLS at the SLAAC address"
fi

# The poller the same way: the SLAAC address is in no certificate, so it is refused as the
# device's name, and the device's id (its certificate's DNS SAN) is checked instead with ID@.
device_id="$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["device"]["id"])' "$WORK/before.json")"
if "$LAB" exec "$FLEET" --pki "$PKI_DIR" --timeout 20 "[$DEVICE_IPV6_SLAAC]" >"$WORK/fleet-addr.out" 2>&1; then
  fail "portcullis-fleet accepted a device certificate that does not name $DEVICE_IPV6_SLAAC"
elif grep -q "certificate problem: the device's certificate does not name $DEVICE_IPV6_SLAAC" \
  "$WORK/fleet-addr.out"; then
  pass "portcullis-fleet refuses the device by its SLAAC address (not in its certificate)"
else
  fail "portcullis-fleet failed on the SLAAC address, but not for the name:"
  sed 's/^/    | /' "$WORK/fleet-addr.out"
fi
check "portcullis-fleet polls $device_id@[$DEVICE_IPV6_SLAAC]: the certificate checked for the device id" \
  "$LAB" exec "$FLEET" --pki "$PKI_DIR" --allow-lab-image --timeout 20 "$device_id@[$DEVICE_IPV6_SLAAC]"

# ---- forged answers of another transaction ------------------------------------------------
# A DHCPACK and a DHCPOFFER for the device's MAC from the lab host's server port, with xids
# the device never sent (half to its address, half broadcast), then the real exchange must go
# on. lwIP would ignore them itself; the filter must not even let them reach it.
check "$FORGED forged DHCP answers sent (scapy on $LAB_TAP)" \
  "$LAB" exec "$PY" - "$LAB_TAP" "$DEVICE_MAC" "$HOST_IPV4" "$DEVICE_IPV4" "$FORGED" <<'PYEOF'
import logging, random, sys, time
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import BOOTP, DHCP, IP, UDP, Ether, get_if_hwaddr, sendp
iface, mac, server, device, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
chaddr = bytes.fromhex(mac.replace(":", "")) + bytes(10)
for i in range(count):
    kind = "ack" if i % 2 == 0 else "offer"
    dst_ip, dst_mac = (device, mac) if i < count // 2 else ("255.255.255.255", "ff:ff:ff:ff:ff:ff")
    frame = (Ether(src=get_if_hwaddr(iface), dst=dst_mac) / IP(src=server, dst=dst_ip) /
             UDP(sport=67, dport=68) /
             BOOTP(op=2, xid=random.getrandbits(32), yiaddr="192.0.2.99", siaddr=server, chaddr=chaddr) /
             DHCP(options=[("message-type", kind), ("server_id", server), ("lease_time", 3600),
                           ("subnet_mask", "255.255.255.0"), "end"]))
    sendp(frame, iface=iface, verbose=False)
    time.sleep(0.05)
PYEOF

# ---- the renewal ------------------------------------------------------------------------------
# lwIP renews at T1 with a unicast DHCPREQUEST; dnsmasq logs a second DHCPACK for the MAC.
renewed=0
for _ in $(seq 1 "$RENEW_BOUND"); do
  if (($(grep -Ec "DHCPACK\(.*\) $DEVICE_IPV4 $DEVICE_MAC" "$DHCP_LOG") >= 2)); then
    renewed=1
    break
  fi
  sleep 1
done
if ((renewed)); then
  pass "the device renewed its lease (a second DHCPACK within ${RENEW_BOUND} s, T1 $T1 s)"
else
  fail "no lease renewal in dnsmasq's log within ${RENEW_BOUND} s (T1 $T1 s)"
  tail -n 20 "$DHCP_LOG" | sed 's/^/    /'
fi

# ---- forged DNS answers ------------------------------------------------------------------
# To the resolver's port, for the query seen: one with another ID from the server it asked,
# one with its ID from another address. lwIP would refuse both; the filter must not pass them.
readonly FORGED_DNS=2
wait "$SNIFFER" || true
if read -r qport qid <"$WORK/query.txt" 2>/dev/null; then
  pass "the device asked the lab's DNS for $BROKER_NAME (from port $qport, ID $qid)"
  check "dnsmasq answered the device's query for $BROKER_NAME" \
    grep -Eq "query\[A\] $BROKER_NAME from $DEVICE_IPV4" "$DHCP_LOG"
  check "$FORGED_DNS forged DNS answers sent (scapy on $LAB_TAP)" \
    "$LAB" exec "$PY" - "$LAB_TAP" "$DEVICE_MAC" "$HOST_IPV4" "$DEVICE_IPV4" "$qport" "$qid" "$BROKER_NAME" <<'PYEOF'
import logging, sys, time
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import DNS, DNSQR, DNSRR, IP, UDP, Ether, get_if_hwaddr, sendp
iface, mac, server, device, port, qid, name = sys.argv[1:8]
port, qid = int(port), int(qid)
for src, txid in ((server, (qid + 1) % 65536), ("192.0.2.99", qid)):
    frame = (Ether(src=get_if_hwaddr(iface), dst=mac) / IP(src=src, dst=device) /
             UDP(sport=53, dport=port) /
             DNS(id=txid, qr=1, aa=1, rd=1, ra=1, qd=DNSQR(qname=name),
                 an=DNSRR(rrname=name, type="A", ttl=3600, rdata="192.0.2.66")))
    sendp(frame, iface=iface, verbose=False)
    time.sleep(0.05)
PYEOF
else
  fail "no DNS query from the device for $BROKER_NAME within 60 s ($(cat "$WORK/sniffer.out"))"
fi

# ---- SNTP answers it did not ask for ---------------------------------------------------------
# To the SNTP client's port (from its request in the boot capture), from the lab's NTP server
# and from another address, claiming 2030: its one request was answered long ago, so both are
# strays; the device's clock must not move.
read -r ntp_port ntp_xmit < <("$PY" - "$PORTCULLIS_LAB_PCAP" "$DEVICE_IPV4" <<'PYEOF2'
import logging, sys
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import IP, UDP, rdpcap
for p in rdpcap(sys.argv[1]):
    if p.haslayer(UDP) and p.haslayer(IP) and p[IP].src == sys.argv[2] and p[UDP].dport == 123:
        print(p[UDP].sport, bytes(p[UDP].payload)[40:48].hex())
        break
PYEOF2
) || true
if [[ -n "${ntp_port:-}" ]]; then
  pass "the device's SNTP request is in the boot capture (from port $ntp_port)"
  check "$FORGED_NTP forged SNTP answers sent (scapy on $LAB_TAP)" \
    "$LAB" exec "$PY" - "$LAB_TAP" "$DEVICE_MAC" "$HOST_IPV4" "$DEVICE_IPV4" "$ntp_port" "$ntp_xmit" <<'PYEOF2'
import logging, struct, sys, time
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import IP, UDP, Ether, Raw, get_if_hwaddr, sendp
iface, mac, server, device, port, origin = sys.argv[1:7]
ntp_2030 = 1893456000 + 2208988800
for src in (server, "192.0.2.99"):
    m = bytes([0x24, 2, 6, 0xEC]) + bytes(20) + bytes.fromhex(origin) + struct.pack("!II", ntp_2030, 0) * 2
    sendp(Ether(src=get_if_hwaddr(iface), dst=mac) / IP(src=src, dst=device) /
          UDP(sport=123, dport=int(port)) / Raw(m), iface=iface, verbose=False)
    time.sleep(0.05)
PYEOF2
else
  fail "no SNTP request from the device in the boot capture"
fi

if mgmt_curl -o "$WORK/after.json" "$BASE/v1/status"; then
  pass "GET /v1/status after the forgeries and the renewal"
else
  fail "GET /v1/status after the forgeries and the renewal"
  exit 1
fi
# counters.{passed,dropped}_by_reason.REASON, after minus before.
delta() { # passed|dropped REASON
  "$PY" -c 'import json, sys
get = lambda f: json.load(open(f))["counters"][sys.argv[3] + "_by_reason"][sys.argv[4]]
print(get(sys.argv[2]) - get(sys.argv[1]))' "$WORK/before.json" "$WORK/after.json" "$1" "$2"
}
unsolicited="$(delta dropped unsolicited_reply)"
answers="$(delta passed stack_client)"
if ((unsolicited == FORGED + FORGED_DNS + FORGED_NTP)); then
  pass "every forged DHCP, DNS and SNTP answer was dropped as unsolicited_reply (+$unsolicited)"
else
  fail "unsolicited_reply drops +$unsolicited, want +$((FORGED + FORGED_DNS + FORGED_NTP))"
fi
check "the device's clock did not move to the forged 2030 (within ${CLOCK_SKEW} s of the host's)" \
  clock_ok "$WORK/after.json"
if ((answers >= 1)); then
  pass "the renewal's DHCPACK passed as the answer to the device's request (stack_client +$answers)"
else
  fail "no stack_client pass for the renewal's DHCPACK"
fi
check "the device kept $DEVICE_IPV4 (no forged offer of 192.0.2.99 taken)" \
  bash -c "! grep -q 'ipv4 192.0.2.99' '$CONSOLE_LOG' && ! grep -q 'ipv4 lost' '$CONSOLE_LOG'"
check "the status names the broker by its name" "$PY" -c 'import json, sys
assert json.load(open(sys.argv[1]))["push"]["broker"] == sys.argv[2] + ":8883"' "$WORK/after.json" "$BROKER_NAME"
exit $((FAILED > 0))
