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
SERVE_PID=""
cleanup() {
    [[ -n "$SERVE_PID" ]] && kill "$SERVE_PID" 2>/dev/null || true
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
SERVE_PID=$!
for _ in $(seq 1 100); do
    grep -q "Frontend API" "$WORK/serve.out" 2>/dev/null && break
    sleep 0.1
done
grep -q "Frontend API" "$WORK/serve.out" || { cat "$WORK/serve.out" >&2; exit 1; }

export BIN RUNS IDLE_SECS WORK URL="http://127.0.0.1:$PORT"
python3 - <<'PY'
import os, pty, re, select, signal, statistics, subprocess, time, fcntl, termios, struct, shutil

BIN, RUNS, IDLE = os.environ["BIN"], int(os.environ["RUNS"]), float(os.environ["IDLE_SECS"])
WORK, URL = os.environ["WORK"], os.environ["URL"]
FRAME = re.compile(rb"\x1b\[\d+;\d+H")  # a cursor move: ratatui is drawing cells


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
            buf.extend(chunk)
    return time.monotonic()


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
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


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
        t_ready = read_until(master, buf, lambda b: ready in b, t0 + 30)
        first.append((t_first - t0) * 1000)
        full.append((t_ready - t0) * 1000)
        stop(proc, master)
    return first, full


def fmt(xs):
    return f"{statistics.median(xs):.1f} ms (min {min(xs):.1f}, max {max(xs):.1f})"


rows = []
remote = [BIN, "--frontend-api", URL, "--no-store"]
f, r = startup(remote, b"Email address")
rows.append(("exec -> first frame, against running `serve`", fmt(f)))
rows.append(("exec -> identifier screen ready, against running `serve`", fmt(r)))
clerk_first = statistics.median(f)
embedded = [BIN, "--no-store"]
f, r = startup(embedded, b"Email address")
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
    # Every draw ends by showing (or hiding) the cursor: one of these per frame.
    frames = out.count(b"\x1b[?25")
    rows.append((f"{what}: bytes written to the terminal", f"{len(out)} B in {secs:.1f} s ({len(out)/secs:.1f} B/s)"))
    rows.append((f"{what}: redraws (frames that wrote anything)", f"{frames} in {secs:.1f} s ({frames/secs:.2f}/s)"))
    rows.append((f"{what}: wake-ups (context switches, all threads)", f"{s1 - s0} in {secs:.1f} s ({(s1 - s0)/secs:.1f}/s)"))
    rows.append((f"{what}: Frontend API requests", f"{requests} in {secs:.1f} s ({requests/secs:.2f}/s)"))
    rows.append((f"{what}: peak RSS (VmHWM)", f"{hwm/1024:.1f} MiB"))
    return out


def on_identifier(master, buf):
    read_until(master, buf, lambda b: b"Email address" in b, time.monotonic() + 30)


def on_email_link(master, buf):
    on_identifier(master, buf)
    os.write(master, b"hedy@example.com\r")
    read_until(master, buf, lambda b: b"Checking every second" in b, time.monotonic() + 30)


idle(remote, on_identifier, "idle on the identifier screen", f"{WORK}/idle.log")
idle(remote, on_email_link, "waiting for an email link", f"{WORK}/link.log")
idle(embedded, on_identifier, "idle on the identifier screen, embedded server", f"{WORK}/idle-emb.log")

serve_pid = int(subprocess.check_output(["pgrep", "-n", "-f", f"serve --addr {URL[7:]}"]).split()[0])
rows.append(("`clerk-tui serve`: peak RSS (VmHWM) after all of the above", f"{status_kb(serve_pid, 'VmHWM')/1024:.1f} MiB"))

gh = shutil.which("gh")
if gh:
    ghome = f"{WORK}/gh"
    os.makedirs(ghome, exist_ok=True)
    env = {"GH_CONFIG_DIR": ghome, "GH_NO_UPDATE_NOTIFIER": "1"}
    f, _ = startup([gh, "auth", "login"], b"What account", env,
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
