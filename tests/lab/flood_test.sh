#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/flood_test.sh BOARD: a bounded SYN flood and a bounded UDP flood (hping3, from the
# lab namespace, FLOOD_COUNT packets each at about 1000 a second, one source, one closed port)
# against the board's image:
#   - a poll of /v1/status over mutual TLS, made while the flood runs, answers 200 within
#     POLL_BOUND_S seconds (the documented figure, README "Floods");
#   - nothing answers the flood (hping3 counts no reply), and the filter's closed_port
#     counter accounts for every flood packet the device received;
#   - afterwards every lwIP memory pool and the lwIP heap hold what they held before
#     (lwIP's own memp/mem stats from /metrics): no pbuf or PCB leaked;
#   - the receive pool's peak is what it was before the flood (the RTOS build: no frame lost
#     for want of a receive buffer, and the pool never ran out);
# then (filtered image only, security review finding 6) a bounded SYN flood from spoofed lab
# addresses to an allowed port with a listener (tcp 22 of policies/scan.allow, the lab's
# discard service), with a broker for the push:
#   - every status poll made while it runs answers 200 within POLL_BOUND_S seconds;
#   - the push, whose broker is restarted once the flood is underway, connects again while
#     it runs (the broker's log);
#   - no lwIP TCP PCB allocation fails (the filter keeps PCBs for management and the push);
# and then, with PORTCULLIS_FLOOD_BASELINE=1 (tests/bench/flood_baseline: a figure, not part
# of the test) and when the board's lab.conf names a PLAIN_PRESET (the same board with the
# filter compiled out), the closed-port floods against plain lwIP, which must answer them (RST,
# ICMP port unreachable), to show what the filter saves. Each run prints an INFO line of figures.
# Packets stay in the lab namespace (192.0.2.0/24); every wait is bounded.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/flood_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3
readonly METRICS="$ROOT/tests/lab/flood_metrics.py"
readonly SYNFLOOD="$ROOT/tests/lab/synflood.py"
# The filtered image runs scan.allow (tcp 22 and 8080 with lab services, mgmt 8443), as the
# adversarial and MQTT tests do, so a lab run builds it once; the plain image its default.
readonly POLICY="$ROOT/tests/lab/policies/scan.allow"
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_flood_$WANT_BOARD"
claim_lab_instance
KIND="$(board_conf "$WANT_BOARD" KIND)" # qemu: QEMU's NIC model may lose flood frames
readonly KIND

readonly FLOOD_COUNT="${PORTCULLIS_FLOOD_COUNT:-5000}"
readonly FLOOD_INTERVAL_US=1000 # hping3 -i u1000: about 1000 packets a second (measured below)
readonly CLOSED_TCP=23
readonly CLOSED_UDP=161
readonly POLL_BOUND_S=5      # a poll during a flood answers within this (README "Floods")
readonly FLOOD_BOUND_S=60    # hping3 is killed if it runs longer than this
readonly SETTLE_BOUND_S=20   # after a flood, no pool may stay above its use before for longer
readonly UNDERWAY_PACKETS=200 # the poll starts once this many flood packets went out
# DEVICE_MAC: tools/lab start gives it (the device's address, 02:00:5e:00:53:02).
# The SYN flood to an allowed port: SYN_FLOOD_COUNT SYNs at SYN_FLOOD_RATE a second to
# ALLOWED_TCP, from 192.0.2.SPOOF_FIRST .. SPOOF_LAST (no one in the lab: their SYN-ACKs stay
# unanswered, as a spoofed flood's).
readonly ALLOWED_TCP=22
readonly SYN_FLOOD_COUNT="${PORTCULLIS_SYN_FLOOD_COUNT:-3000}"
readonly SYN_FLOOD_RATE=500
readonly SYN_FLOOD_BURSTS=4 # until the push reconnected, at most this many bursts
readonly SPOOF_FIRST=100
readonly SPOOF_LAST=250
readonly BROKER=192.0.2.1 # tools/lab's host address: the lab boards push there
readonly BROKER_PORT=8883
readonly PUSH_BOUND_S=60 # the push finds a broker that appeared within this (its backoff)

for tool in hping3 mosquitto; do
  command -v "$tool" >/dev/null || {
    fail "$tool not found: run tools/bootstrap"
    exit 1
  }
done
"$PY" -c 'import scapy.all' >/dev/null 2>&1 || {
  fail "python3-scapy is not installed (tools/bootstrap installs it)"
  exit 1
}

WORK="$(mktemp -d)"
FLOOD_PID=""
BROKER_PID=""
PUSH="" # the push's last state read (push_state)
finish() {
  [[ -n "$FLOOD_PID" ]] && kill "$FLOOD_PID" 2>/dev/null
  [[ -n "$BROKER_PID" ]] && kill "$BROKER_PID" 2>/dev/null
  lab_finish
}

trap finish EXIT

# Returns once the flood in $FLOOD_PID has put UNDERWAY_PACKETS frames on the TAP since its
# tx_packets count was TX0, or has ended; at most 400 looks 25 ms apart (10 s).
wait_underway() { # TX0
  local i
  for ((i = 0; i < 400; i++)); do
    (($(tap_stat tx_packets) >= $1 + UNDERWAY_PACKETS)) && return 0
    kill -0 "$FLOOD_PID" 2>/dev/null || return 0
    sleep 0.025
  done
}

now_ms() { local t="${EPOCHREALTIME/./}"; printf '%d' $((10#$t / 1000)); }
tap_stat() { "$LAB" exec cat "/sys/class/net/$LAB_TAP/statistics/$1"; } # packets the host sent

# Metrics as the management host sees them (lib.sh mgmt_curl: mTLS, retried).
metrics() { mgmt_curl -o "$1" "https://$DEVICE_IPV4:$MGMT_PORT/metrics"; } # FILE
val() { "$PY" "$METRICS" value "$@"; }

# One flood with a poll in its middle. Sets F_SENT F_REPLIES F_SECS F_POLL (seconds or
# "failed") F_DURING (1: the flood was still running when the poll answered).
flood() { # KIND(syn|udp)
  local -a args
  if [[ $1 == syn ]]; then
    args=(-S -p "$CLOSED_TCP")
  else
    args=(--udp -p "$CLOSED_UDP")
  fi
  local tx0 t0 t1 i out drop0
  tx0="$(tap_stat tx_packets)"
  drop0="$(tap_stat tx_dropped)"
  t0="$(now_ms)"
  timeout "$FLOOD_BOUND_S" "$LAB" exec hping3 -q "${args[@]}" -c "$FLOOD_COUNT" \
    -i "u$FLOOD_INTERVAL_US" "$DEVICE_IPV4" >"$WORK/hping.out" 2>&1 &
  FLOOD_PID=$!
  # Poll once the flood is underway (a condition, not a sleep), bounded by the flood's life.
  wait_underway "$tx0"
  F_POLL=failed
  for i in 1 2; do
    if out="$(mgmt_curl_once -o /dev/null -w '%{http_code} %{time_total}' \
      --max-time "$POLL_BOUND_S" "https://$DEVICE_IPV4:$MGMT_PORT/v1/status" 2>/dev/null)" &&
      [[ $out == 200\ * ]]; then
      F_POLL="${out#200 }"
      break
    fi
  done
  F_DURING=0
  kill -0 "$FLOOD_PID" 2>/dev/null && F_DURING=1
  wait "$FLOOD_PID" || true
  FLOOD_PID=""
  t1="$(now_ms)"
  F_SECS="$(((t1 - t0) / 1000)).$((((t1 - t0) % 1000) / 100))"
  F_TAP_DROPS=$(($(tap_stat tx_dropped) - drop0)) # the TAP's queue was full (device too slow)
  # hping3: "N packets transmitted, M packets received, ..."
  read -r F_SENT F_REPLIES < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p' "$WORK/hping.out")
  if [[ -z "${F_SENT:-}" ]]; then
    F_SENT=0 F_REPLIES=0
    tail -n 5 "$WORK/hping.out" | sed 's/^/    hping3: /'
  fi
}

# ---- the push's broker: start_broker / stop_broker (tests/lab/lib.sh) ---------------------
# The push's figures from the status document: "CONNECTED(0|1) CONNECTS".
push_state() {
  mgmt_curl -o "$WORK/push.json" "https://$DEVICE_IPV4:$MGMT_PORT/v1/status" &&
    "$PY" -c 'import json,sys; p=json.load(open(sys.argv[1]))["push"]; print(int(p["connected"]), p["connects"])' \
      "$WORK/push.json"
}

# Waits (bounded by PUSH_BOUND_S: the push backs off since boot) until the push is connected;
# PUSH holds its last state.
wait_push_connected() {
  local i
  for ((i = 0; i < PUSH_BOUND_S; i += 2)); do
    PUSH="$(push_state)" && [[ $PUSH == 1\ * ]] && return 0
    sleep 2
  done
  return 1
}

# The SYN flood to an allowed port, with the broker restarted once it is underway and status
# polls one after another while it runs. The push's reconnection waits out a backoff (1 s,
# then 2 s, 4 s, ... when an attempt fails), so the flood goes on in bursts of
# SYN_FLOOD_COUNT SYNs until the push has connected to the new broker, at most
# SYN_FLOOD_BURSTS of them: a condition with a bound, not a guess at how long it takes. Sets
# S_SENT (all bursts) S_BURSTS S_SECS S_POLLS S_POLLS_OK S_POLL_MAX (the slowest answer, s)
# S_PUSH_DURING (1: the device connected to the new broker while the flood ran).
pushed_since() { # EPOCH_FROM EPOCH_TO: mosquitto logged the device's connection in between
  # mosquitto stamps each log line with the Unix time: "T: New client connected from ...".
  awk -F: -v a="$1" -v b="$2" -v dev="$DEVICE_IPV4" \
    'index($0, "New client connected from " dev ":") && $1 >= a && $1 <= b { found = 1 } END { exit !found }' \
    "$WORK/broker.log"
}
syn_flood_allowed() {
  local tx0 t0 t1 e0 out sent burst
  t0="$(now_ms)"
  e0="$(date +%s)"
  S_POLLS=0 S_POLLS_OK=0 S_POLL_MAX=0 S_SENT=0 S_BURSTS=0 S_PUSH_DURING=0
  for ((burst = 1; burst <= SYN_FLOOD_BURSTS; burst++)); do
    tx0="$(tap_stat tx_packets)"
    timeout "$FLOOD_BOUND_S" "$LAB" exec "$PY" "$SYNFLOOD" "$LAB_TAP" "$DEVICE_MAC" "$DEVICE_IPV4" \
      "$ALLOWED_TCP" "$SYN_FLOOD_COUNT" "$SYN_FLOOD_RATE" "$SPOOF_FIRST" "$SPOOF_LAST" \
      >"$WORK/synflood.out" 2>&1 &
    FLOOD_PID=$!
    S_BURSTS=$burst
    if ((burst == 1)); then
      wait_underway "$tx0"
      # The push loses its broker (mosquitto closes every connection) and must connect
      # again: a new TCP connection, while the flood holds what PCBs it can.
      stop_broker
      : >"$WORK/broker.log"
      start_broker || fail "mosquitto did not restart"
    fi
    while kill -0 "$FLOOD_PID" 2>/dev/null; do
      S_POLLS=$((S_POLLS + 1))
      if out="$(mgmt_curl_once -o /dev/null -w '%{http_code} %{time_total}' \
        --max-time "$POLL_BOUND_S" "https://$DEVICE_IPV4:$MGMT_PORT/v1/status" 2>/dev/null)" &&
        [[ $out == 200\ * ]]; then
        S_POLLS_OK=$((S_POLLS_OK + 1))
        S_POLL_MAX="$(awk -v a="$S_POLL_MAX" -v b="${out#200 }" 'BEGIN { print (b > a ? b : a) }')"
      fi
    done
    wait "$FLOOD_PID" || true
    FLOOD_PID=""
    sent="$(sed -n 's/^sent \([0-9]*\) in .*/\1/p' "$WORK/synflood.out")"
    if [[ -z $sent ]]; then
      tail -n 5 "$WORK/synflood.out" | sed 's/^/    synflood: /'
      break
    fi
    S_SENT=$((S_SENT + sent))
    if pushed_since "$e0" "$(date +%s)"; then
      S_PUSH_DURING=1
      break
    fi
  done
  t1="$(now_ms)"
  S_SECS="$(((t1 - t0) / 1000)).$((((t1 - t0) % 1000) / 100))"
}

# Finding 6: the SYN flood to an allowed port, its figures and checks. M_BEFORE: /metrics
# before it.
syn_flood_phase() { # M_BEFORE
  local before="$1" after="$WORK/m_syn.txt" state connects0 limit pcb_fail sent_tcp
  if ! wait_push_connected; then
    fail "filtered syn-allowed: the push is connected before the flood (push: $PUSH)"
    return 0
  fi
  connects0="${PUSH#1 }"
  syn_flood_allowed
  if ! metrics "$after"; then
    fail "filtered syn-allowed: /metrics after the flood"
    return 0
  fi
  state="$(push_state)" || state="no status"
  limit=$(($(val "$after" portcullis_packets_dropped_total reason=connection_limit) - $(val "$before" portcullis_packets_dropped_total reason=connection_limit)))
  pcb_fail=$(($(val "$after" portcullis_lwip_pool_failures_total pool=TCP_PCB) - $(val "$before" portcullis_lwip_pool_failures_total pool=TCP_PCB)))
  sent_tcp=$(($(val "$after" portcullis_lwip_sent_total proto=tcp) - $(val "$before" portcullis_lwip_sent_total proto=tcp)))
  echo "INFO: flood $WANT_BOARD filtered syn-allowed: $S_SENT SYNs to tcp $ALLOWED_TCP from 192.0.2.$SPOOF_FIRST-$SPOOF_LAST in $S_SECS s;" \
    "in $S_BURSTS burst(s); polls during it $S_POLLS_OK/$S_POLLS answered (slowest $S_POLL_MAX s); push reconnected during it: $S_PUSH_DURING" \
    "(connects $connects0 -> ${state#* }); connection_limit drops +$limit; TCP_PCB allocation failures +$pcb_fail;" \
    "lwIP sent tcp +$sent_tcp; TCP_PCB peak $(val "$after" portcullis_lwip_pool_peak_entries pool=TCP_PCB)/$(val "$after" portcullis_lwip_pool_entries pool=TCP_PCB)"
  check "filtered syn-allowed: the flood sent its $SYN_FLOOD_COUNT SYNs in each of its $S_BURSTS burst(s)" \
    test "$S_SENT" -eq $((SYN_FLOOD_COUNT * S_BURSTS))
  check "filtered syn-allowed: every poll during the flood answered 200 within ${POLL_BOUND_S} s ($S_POLLS_OK of $S_POLLS, slowest $S_POLL_MAX s)" \
    test "$S_POLLS" -ge 1 -a "$S_POLLS_OK" -eq "$S_POLLS"
  check "filtered syn-allowed: the push connected to its restarted broker while the flood ran" \
    test "$S_PUSH_DURING" -eq 1
  check "filtered syn-allowed: no TCP PCB allocation failed (+$pcb_fail)" test "$pcb_fail" -eq 0
  # The SYN-ACKs to the forged sources wait for ARP answers that never come: lwIP's ARP
  # queue (MEMP_NUM_ARP_QUEUE) may run full and refuse some, as any unanswered ARP would.
  echo "INFO: flood $WANT_BOARD filtered syn-allowed: lwIP pool failures:" \
    "$("$PY" "$METRICS" failures-explained "$before" "$after" || true)"
}

# Waits (bounded) until the pools are back where BEFORE had them; AFTER holds the last read.
settle() { # BEFORE AFTER
  local deadline=$((SECONDS + SETTLE_BOUND_S))
  while :; do
    if metrics "$2" && "$PY" "$METRICS" same-pools "$1" "$2" >"$WORK/settle.txt"; then
      return 0
    fi
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

run_image() { # PRESET TAG(filtered|plain) [tools/lab start args...]
  local preset="$1" tag="$2" kind env_lines
  shift 2
  if ! env_lines="$("$LAB" start --board "$WANT_BOARD" --preset "$preset" "$@")"; then
    fail "$tag: tools/lab start --board $WANT_BOARD --preset $preset $*"
    return 0
  fi
  eval "$env_lines"
  pass "$tag: lab up ($preset${1:+ $*})"
  if [[ $tag == filtered ]]; then
    # The push's connection is made before the pools' "before" is read: the leak checks
    # compare like with like.
    lab_broker_conf # this lab's PKI_DIR
    start_broker || fail "mosquitto did not start"
    wait_push_connected || fail "$tag: the push connected to the broker within ${PUSH_BOUND_S} s (push: $PUSH)"
  fi
  # A flood must not wait on ARP: with the device's neighbour entry pinned, the kernel hands
  # every flood packet to the TAP at once (none held or dropped while it re-resolves).
  "$LAB" exec ip neigh replace "$DEVICE_IPV4" lladdr "$DEVICE_MAC" dev "$LAB_TAP" nud permanent
  metrics "$WORK/m0.txt" || {
    fail "$tag: /metrics before the floods"
    return 0
  }
  local m_prev="$WORK/m0.txt" n=0
  for kind in syn udp; do
    n=$((n + 1))
    flood "$kind"
    local m="$WORK/m$n.txt"
    if ! settle "$m_prev" "$m"; then
      fail "$tag $kind: no lwIP pool or heap above its use before the flood within ${SETTLE_BOUND_S} s ($(cat "$WORK/settle.txt"))"
    else
      pass "$tag $kind: no lwIP pool or heap above its use before the flood ($(cat "$WORK/settle.txt"))"
    fi
    local proto=tcp
    [[ $kind == udp ]] && proto=icmp
    local sent_delta drops pool_peak pool_size heap_peak nobuf refused lost
    sent_delta=$(($(val "$m" portcullis_lwip_sent_total proto="$proto") - $(val "$m_prev" portcullis_lwip_sent_total proto="$proto")))
    drops=$(($(val "$m" portcullis_packets_dropped_total reason=closed_port) - $(val "$m_prev" portcullis_packets_dropped_total reason=closed_port)))
    nobuf=$(($(val "$m" portcullis_rx_frames_dropped_total reason=no_buffer) - $(val "$m_prev" portcullis_rx_frames_dropped_total reason=no_buffer)))
    refused=$(($(val "$m" portcullis_rx_frames_dropped_total reason=input_refused) - $(val "$m_prev" portcullis_rx_frames_dropped_total reason=input_refused)))
    # Every reason a frame is lost below the filter (MAC FIFO full, bad frame, no buffer, ...).
    lost=$(($("$PY" "$METRICS" total "$m" portcullis_rx_frames_dropped_total) - $("$PY" "$METRICS" total "$m_prev" portcullis_rx_frames_dropped_total)))
    pool_peak="$(val "$m" portcullis_lwip_pool_peak_entries pool=PBUF_POOL)"
    pool_size="$(val "$m" portcullis_lwip_pool_entries pool=PBUF_POOL)"
    heap_peak="$(val "$m" portcullis_lwip_heap_peak_bytes)"
    echo "INFO: flood $WANT_BOARD $tag $kind: $F_SENT packets in $F_SECS s, $F_REPLIES replies;" \
      "lwIP sent $proto +$sent_delta; closed_port drops +$drops; frames lost below the filter +$lost (no buffer +$nobuf, refused +$refused);" \
      "PBUF_POOL peak $pool_peak/$pool_size; heap peak $heap_peak B; poll during the flood $F_POLL s"
    if ((F_SENT != FLOOD_COUNT)); then
      fail "$tag $kind: hping3 sent $F_SENT of $FLOOD_COUNT packets"
    fi
    if [[ $tag == filtered ]]; then
      if [[ $F_POLL != failed && $F_DURING == 1 ]]; then
        pass "$tag $kind: a poll during the flood answered 200 in $F_POLL s (bound ${POLL_BOUND_S} s)"
      else
        fail "$tag $kind: a poll during the flood (got '$F_POLL', flood still running: $F_DURING)"
      fi
      check "$tag $kind: nothing answered the flood ($F_REPLIES replies)" test "$F_REPLIES" -eq 0
      # Issue 14: under a flood the receive pool's peak stays at what allowed traffic needs.
      # The super-loop images judge a frame in the MAC's buffer before lwIP allocates one, so
      # the pool's peak since boot stays where the allowed traffic before the flood (polls,
      # the push) had it, the poll made during the flood included. (That a dropped frame takes
      # no buffer at all is the unit test ADroppedFrameNeverTakesAReceiveBuffer: one taken and
      # freed at once would not raise this peak either.) The RTOS build drops a closed-port
      # frame before it would wait in lwIP's queue (InputFilter::screen_frame), but
      # there the poll's own frames wait in it too, a buffer each, as many at once as the
      # tcpip thread lets pile up: a peak a buffer above the one before says nothing of the
      # flood. There, none of its frames may be lost for want of a buffer, and the pool never
      # runs out (before the early drop: peak 16 of 16, 268 frames lost).
      local peak_before
      peak_before="$(val "$m_prev" portcullis_lwip_pool_peak_entries pool=PBUF_POOL)"
      if [[ ${PORTCULLIS_LAB_PRESET:-} != rtos ]]; then
        check "$tag $kind: the flood did not raise the receive pool's peak (PBUF_POOL peak $pool_peak after it, $peak_before before it)" \
          test "$pool_peak" -le "$peak_before"
      else
        check "$tag $kind: no frame lost for want of a receive buffer (+$nobuf) and the pool never ran out (PBUF_POOL peak $pool_peak/$pool_size, $peak_before before the flood)" \
          test "$nobuf" -eq 0 -a "$pool_peak" -lt "$pool_size"
      fi
      # Only flood packets go to closed ports, so closed_port drops never exceed them. A flood
      # packet that did not reach the filter was lost before it and counted there
      # (rx_frames_dropped: the MAC's FIFO full, no receive buffer, refused by lwIP; those
      # counts also hold a few frames of the poll, hence the slack), or the TAP's own queue.
      # QEMU's NIC models lose frames silently while the guest is busy (the LAN9118 model
      # drops when its RX status FIFO is full and its RX_DROP register, which the driver
      # reads on real chips, always reads 0; the device spends a TLS handshake's time away
      # from its NIC during the poll): on QEMU boards the sum may fall short, and at least
      # half must arrive.
      local counted=$((drops + lost + F_TAP_DROPS)) slack=100
      check "$tag $kind: closed_port drops ($drops) are at most the $F_SENT flood packets" \
        test "$drops" -le "$F_SENT"
      if [[ $KIND == process ]]; then
        check "$tag $kind: closed_port drops ($drops) + frames lost below the filter ($lost) + TAP queue drops ($F_TAP_DROPS) account for the $F_SENT packets (at most $slack other frames among them)" \
          test "$counted" -ge "$F_SENT" -a "$counted" -le $((F_SENT + slack))
      else
        check "$tag $kind: closed_port drops ($drops) + frames lost below the filter ($lost) + TAP queue drops ($F_TAP_DROPS) account for at least half of the $F_SENT packets (the rest lost in QEMU's NIC model)" \
          test $((2 * counted)) -ge "$F_SENT" -a "$counted" -le $((F_SENT + slack))
      fi
    else
      check "$tag $kind: plain lwIP answers the flood ($F_REPLIES replies, lwIP sent $proto +$sent_delta)" \
        test "$F_REPLIES" -gt 0
    fi
    m_prev="$m"
  done
  # A pool allocation may fail under a flood only where the netif counts the frame it lost
  # (the RTOS build's tcpip thread can fall behind): never anywhere else.
  local explained
  if explained="$("$PY" "$METRICS" failures-explained "$WORK/m0.txt" "$m_prev")"; then
    pass "$tag: lwIP pool failures are all counted frame drops ($explained)"
  elif [[ $tag == filtered ]]; then
    fail "$tag: lwIP pool failures not explained by counted frame drops ($explained)"
  else
    echo "INFO: flood $WANT_BOARD $tag: lwIP pool failures: $explained"
  fi
  if [[ $tag == filtered ]]; then
    syn_flood_phase "$m_prev"
    stop_broker
  fi
  "$LAB" stop >/dev/null 2>&1 || true
}

run_image "$(board_preset_of "$WANT_BOARD")" filtered --policy "$POLICY"
# The plain-lwIP baseline is a figure, not a test (tests/bench/flood_baseline sets this): it
# builds a second image and shows lwIP's answers, which nothing of Portcullis's decides.
if [[ ${PORTCULLIS_FLOOD_BASELINE:-0} == 1 ]]; then
  plain="$(board_conf "$WANT_BOARD" PLAIN_PRESET)"
  if [[ -n "$plain" && -z "${PORTCULLIS_LAB_PRESET:-}" ]]; then
    run_image "$plain" plain
  else
    echo "INFO: no PLAIN_PRESET in boards/$WANT_BOARD/lab.conf: no plain-lwIP baseline for $WANT_BOARD"
  fi
fi
((FAILED == 0))
