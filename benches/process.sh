#!/usr/bin/env bash
# Whole-process figures of the release binary, each bounded in time (about 2 minutes in all):
#
#   - stripped and unstripped binary size;
#   - time from exec to the first frame and to the ready identifier screen, in an 80x24 pty,
#     against an already-running `clerk-tui serve` on loopback and with the embedded server
#     starting in-process (median, min and max of RUNS runs);
#   - while idle on the identifier screen and while waiting for an email link (IDLE_SECS each):
#     bytes written to the terminal, frames drawn, wake-ups (voluntary + involuntary context
#     switches of all threads, from /proc/PID/task/*/status) and Frontend API requests (from
#     the app's own debug log);
#   - peak RSS (VmHWM) of the app and of `serve`;
#   - if `gh` is installed (Debian's package), the time from exec to the first prompt of
#     `gh auth login` in the same kind of pty, and the ratio to clerk-tui's first frame.
#
# Usage: benches/process.sh [--no-build]       (RUNS=10 IDLE_SECS=10 PORT=18787 by default)
# Needs: bash, python3 (the pty driver below), strip (binutils). Prints a Markdown table.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS="${RUNS:-10}"
IDLE_SECS="${IDLE_SECS:-10}"
PORT="${PORT:-18787}"
BIN="$PWD/target/release/clerk-tui"

if [[ "${1:-}" != "--no-build" ]]; then
    cargo build --release --bin clerk-tui >&2
fi
[[ -x "$BIN" ]] || { echo "no release binary at $BIN" >&2; exit 1; }

WORK="$(mktemp -d)"
TIMEOUT_PID=""
cleanup() {
    [[ -n "$TIMEOUT_PID" ]] && kill "$TIMEOUT_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

strip -o "$WORK/clerk-tui.stripped" "$BIN"
echo "## Binary"
echo
echo "| figure | value |"
echo "|---|---:|"
echo "| release binary | $(stat -c %s "$BIN") B |"
echo "| stripped release binary | $(stat -c %s "$WORK/clerk-tui.stripped") B ($(( $(stat -c %s "$WORK/clerk-tui.stripped") / 1024 / 1024 )) MiB) |"
echo

# A standalone server on loopback, ephemeral (nothing written), with its own peak RSS read later.
timeout 600 "$BIN" serve --addr "127.0.0.1:$PORT" --ephemeral >"$WORK/serve.out" 2>&1 &
TIMEOUT_PID=$!
for _ in $(seq 1 50); do
    SERVE_PID="$(cat "/proc/$TIMEOUT_PID/task/$TIMEOUT_PID/children" 2>/dev/null | awk '{print $1}')"
    [[ -n "$SERVE_PID" ]] && break
    sleep 0.05
done
for _ in $(seq 1 100); do
    grep -q "Frontend API" "$WORK/serve.out" 2>/dev/null && break
    sleep 0.1
done
grep -q "Frontend API" "$WORK/serve.out" || { cat "$WORK/serve.out" >&2; exit 1; }

export BIN RUNS IDLE_SECS WORK SERVE_PID URL="http://127.0.0.1:$PORT"
python3 - <<'PY'
import os, pty, re, select, signal, statistics, subprocess, time, fcntl, termios, struct, shutil

BIN, RUNS, IDLE = os.environ["BIN"], int(os.environ["RUNS"]), float(os.environ["IDLE_SECS"])
WORK, URL = os.environ["WORK"], os.environ["URL"]
FRAME = re.compile(rb"\x1b\[\d+;\d+H")  # a cursor move: ratatui is drawing cells
ESC = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|\x1b\][^\x07]*\x07|\x1b.|[\x00-\x1f]|[^\x00-\x1f\x1b]+")


def screen(raw):
    """The 80x24 text a terminal shows after `raw` (ratatui only moves, styles and clears)."""
    rows, r, c = [[" "] * 80 for _ in range(24)], 0, 0
    for m in ESC.finditer(raw.decode("utf-8", "replace")):
        tok, final = m.group(0), m.group(2)
        if final == "H":
            parts = (m.group(1) or "1;1").split(";") + ["1"]
            r, c = int(parts[0] or 1) - 1, int(parts[1] or 1) - 1
        elif final == "J" and m.group(1) == "2":
            rows = [[" "] * 80 for _ in range(24)]
        elif final or tok[0] < " ":
            continue
        else:
            for ch in tok:
                if 0 <= r < 24 and 0 <= c < 80:
                    rows[r][c] = ch
                c += 1
    return "\n".join("".join(row) for row in rows)


def shows(text):
    return lambda b: text in screen(bytes(b))


def spawn(argv, env_extra=None):
    """Starts argv in a fresh 80x24 pty; returns (pid, master fd, start time)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLERK_", "RUST_LOG", "GH_", "GITHUB_"))}
    env.update(TERM="xterm-256color", HOME=WORK, XDG_CONFIG_HOME=WORK, XDG_DATA_HOME=WORK,
               **(env_extra or {}))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True, close_fds=True)
    os.close(slave)
    return proc, master, t0


def read_until(master, buf, pred, deadline):
    """Reads until pred(buf); returns when the bytes that made it true arrived."""
    arrived = time.monotonic()
    while not pred(buf):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(buf[-400:])
        r, _, _ = select.select([master], [], [], left)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                raise TimeoutError(buf[-400:])
            arrived = time.monotonic()
            buf.extend(chunk)
    return arrived


def drain(master, secs):
    """Reads everything for `secs`; returns the bytes."""
    out, end = bytearray(), time.monotonic() + secs
    while (left := end - time.monotonic()) > 0:
        r, _, _ = select.select([master], [], [], left)
        if r:
            try:
                out.extend(os.read(master, 65536))
            except OSError:
                break
    return bytes(out)


def stop(proc, master, keys=b"\x03"):
    try:
        os.write(master, keys)
        proc.wait(timeout=5)
    except Exception:
        proc.kill()
        proc.wait()
    drain(master, 0.05)
    os.close(master)


def switches(pid):
    """Context switches so far, per thread."""
    per_thread = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        per_thread[tid] = per_thread.get(tid, 0) + int(line.split()[1])
        except FileNotFoundError:
            pass
    return per_thread


def woke(before, after):
    """Switches between two snapshots (a thread that ended in between is not counted)."""
    return sum(n - before.get(tid, 0) for tid, n in after.items())


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def startup(argv, ready, env_extra=None, first_seen=lambda b: FRAME.search(b)):
    """Lists of ms from exec to the first drawn frame and to `ready` in the output."""
    first, full = [], []
    for _ in range(RUNS):
        proc, master, t0 = spawn(argv, env_extra)
        buf = bytearray()
        t_first = read_until(master, buf, first_seen, t0 + 30)
        t_ready = read_until(master, buf, ready, t0 + 30)
        first.append((t_first - t0) * 1000)
        full.append((t_ready - t0) * 1000)
        stop(proc, master)
    return first, full


def fmt(xs):
    return f"{statistics.median(xs):.1f} ms (min {min(xs):.1f}, max {max(xs):.1f})"


rows = []
remote = [BIN, "--frontend-api", URL, "--no-store"]
f, r = startup(remote, shows("Email address"))
rows.append(("exec -> first frame, against running `serve`", fmt(f)))
rows.append(("exec -> identifier screen ready, against running `serve`", fmt(r)))
clerk_first = statistics.median(f)
embedded = [BIN, "--no-store"]
f, r = startup(embedded, shows("Email address"))
rows.append(("exec -> first frame, embedded server (in-memory DB seeded at start)", fmt(f)))
rows.append(("exec -> identifier screen ready, embedded server (in-memory DB seeded at start)", fmt(r)))


def idle(argv, setup, what, log):
    """Bytes, frames, wake-ups and requests over IDLE seconds once `setup` has run."""
    proc, master, t0 = spawn(argv + ["--log-file", log])
    buf = bytearray()
    setup(master, buf)
    drain(master, 1.0)  # let the last change settle
    with open(log, "rb") as f:
        lines_before = f.read().count(b"fapi request")
    s0, t_start = switches(proc.pid), time.monotonic()
    out = drain(master, IDLE)
    secs = time.monotonic() - t_start
    s1 = switches(proc.pid)
    with open(log, "rb") as f:
        requests = f.read().count(b"fapi request") - lines_before
    hwm = status_kb(proc.pid, "VmHWM")
    stop(proc, master, b"\x1b\x03")
    # Every draw ends by showing (or hiding) the cursor: one of these per frame. A frame whose
    # diff was empty writes only a style reset and the cursor.
    parts = re.split(rb"\x1b\[\?25[hl](?:\x1b\[\d+;\d+H)?", out)[:-1]
    frames = len(parts)
    empty = sum(1 for p in parts if re.fullmatch(rb"(\x1b\[\d*m)*", p))
    rows.append((f"{what}: bytes written to the terminal", f"{len(out)} B in {secs:.1f} s ({len(out)/secs:.1f} B/s)"))
    rows.append((f"{what}: frames drawn", f"{frames} in {secs:.1f} s ({frames/secs:.2f}/s)"))
    rows.append((f"{what}: of those, frames where nothing changed", f"{empty} ({empty/secs:.2f}/s)"))
    w = woke(s0, s1)
    rows.append((f"{what}: wake-ups (context switches, all threads)", f"{w} in {secs:.1f} s ({w/secs:.1f}/s)"))
    rows.append((f"{what}: Frontend API requests", f"{requests} in {secs:.1f} s ({requests/secs:.2f}/s)"))
    rows.append((f"{what}: peak RSS (VmHWM)", f"{hwm/1024:.1f} MiB"))
    return out


def on_identifier(master, buf):
    read_until(master, buf, shows("Email address"), time.monotonic() + 30)


def on_email_link(master, buf):
    on_identifier(master, buf)
    os.write(master, b"hedy@example.com\r")
    # The email code comes first; the link is picked from "use another method".
    read_until(master, buf, shows("Code from the email"), time.monotonic() + 30)
    os.write(master, b"m")
    pick = re.compile(r"(\d)\. Email link")
    read_until(master, buf, lambda b: pick.search(screen(bytes(b))), time.monotonic() + 30)
    os.write(master, pick.search(screen(bytes(buf))).group(1).encode())
    read_until(master, buf, shows("Checking every second"), time.monotonic() + 30)


idle(remote, on_identifier, "idle on the identifier screen", f"{WORK}/idle.log")
idle(remote, on_email_link, "waiting for an email link", f"{WORK}/link.log")
idle(embedded, on_identifier, "idle on the identifier screen, embedded server", f"{WORK}/idle-emb.log")

serve_pid = int(os.environ["SERVE_PID"])
rows.append(("`clerk-tui serve`: peak RSS (VmHWM) after all of the above", f"{status_kb(serve_pid, 'VmHWM')/1024:.1f} MiB"))

gh = shutil.which("gh")
if gh:
    ghome = f"{WORK}/gh"
    os.makedirs(ghome, exist_ok=True)
    env = {"GH_CONFIG_DIR": ghome, "GH_NO_UPDATE_NOTIFIER": "1"}
    f, _ = startup([gh, "auth", "login"], lambda b: b"What account" in b, env,
                   first_seen=lambda b: b"What account" in b)
    ver = subprocess.check_output([gh, "--version"]).decode().splitlines()[0]
    rows.append((f"`gh auth login` exec -> first prompt ({ver})", fmt(f)))
    rows.append(("ratio clerk-tui first frame / gh first prompt (medians)", f"{clerk_first/statistics.median(f):.2f}"))
else:
    rows.append(("`gh auth login`", "not installed (apt-get install gh)"))

print("## Process (release binary, 80x24 pty)\n")
print(f"{RUNS} runs per start-up figure; idle windows of {IDLE:.0f} s.\n")
print("| figure | value |\n|---|---:|")
for k, v in rows:
    print(f"| {k} | {v} |")
PY
