#!/usr/bin/env bash
# Whole-process figures of the release binary, each bounded in time (about 2 minutes in all):
#
#   - stripped and unstripped binary size;
#   - time from exec to the first frame and to the ready identifier screen, in an 80x24 pty,
#     against an already-running `clerk-tui serve` on loopback, with the embedded server
#     starting in-process, and on a first-ever run (a fresh config dir: the embedded server
#     creates its database), interleaved run by run with the anchors - `gh auth login` to its
#     first prompt and a trivial ratatui app (benches/anchor_app.rs) to its first frame -
#     so all see the same load (median, min and max of RUNS runs);
#   - peak RSS (the kernel's ru_maxrss of the whole life) through a password sign-in typed
#     into the full-screen app, with the embedded server and against `serve`, beside
#     `gh auth status` and the trivial ratatui app;
#   - while idle on the identifier screen and while waiting for an email link (IDLE_SECS each):
#     bytes written to the terminal, frames drawn, wake-ups (voluntary + involuntary context
#     switches of all threads, from /proc/PID/task/*/status) and Frontend API requests (from
#     the app's own debug log);
#   - peak RSS (VmHWM) of the app and of `serve`;
#   - if `gh` is installed (Debian's package), the time from exec to the first prompt of
#     `gh auth login` in the same kind of pty, and the ratio to clerk-tui's first frame.
#
# Usage: benches/process.sh [--no-build]       (RUNS=5 IDLE_SECS=10 PORT=18787 by default)
# Needs: bash, python3 (the pty driver below), strip (binutils). Prints a Markdown table.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
IDLE_SECS="${IDLE_SECS:-10}"
PORT="${PORT:-18787}"
# BIN= another binary (benches/all.sh passes the release build's own: `cargo bench` leaves a
# binary built with the dev-dependencies' features at the same path).
BIN="${BIN:-$PWD/target/release/clerk-tui}"

if [[ "${1:-}" != "--no-build" ]]; then
    cargo build --release --locked --bin clerk-tui >&2
fi
[[ -x "$BIN" ]] || { echo "no release binary at $BIN" >&2; exit 1; }
# The anchor app is a bench target, built here with the release profile (dev-dependencies'
# features make this a second build of some crates; NO_ANCHOR=1 skips the anchor's rows).
ANCHOR=""
[[ "${NO_ANCHOR:-}" == 1 ]] || ANCHOR="$(cargo build --locked --profile release --bench anchor_app --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "anchor_app" and m.get("executable"):
        print(m["executable"])')"
[[ "${NO_ANCHOR:-}" == 1 || -x "$ANCHOR" ]] || { echo "could not build benches/anchor_app.rs" >&2; exit 1; }

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
mib() { python3 -c "print(f'{$1/1048576:.2f}')"; }
echo "| stripped release binary | $(stat -c %s "$WORK/clerk-tui.stripped") B ($(mib "$(stat -c %s "$WORK/clerk-tui.stripped")") MiB) |"
[[ -n "$ANCHOR" ]] && strip -o "$WORK/anchor.stripped" "$ANCHOR" &&
echo "| anchor: trivial ratatui app, stripped | $(stat -c %s "$WORK/anchor.stripped") B ($(mib "$(stat -c %s "$WORK/anchor.stripped")") MiB) |"
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

export BIN ANCHOR RUNS IDLE_SECS WORK SERVE_PID URL="http://127.0.0.1:$PORT"
python3 - <<'PY'
import os, pty, re, select, signal, statistics, subprocess, sys, time, fcntl, termios, struct, shutil

BIN, RUNS, IDLE = os.environ["BIN"], int(os.environ["RUNS"]), float(os.environ["IDLE_SECS"])
ANCHOR = os.environ.get("ANCHOR", "")
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
            raise TimeoutError(bytes(buf))
        r, _, _ = select.select([master], [], [], left)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                raise TimeoutError(bytes(buf))
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
    """Quits the child; returns its peak RSS over its whole life in KiB (ru_maxrss)."""
    try:
        os.write(master, keys)
    except OSError:
        pass
    deadline = time.monotonic() + 5
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        drain(master, 0.02)
    proc.returncode = status
    drain(master, 0.05)
    os.close(master)
    return usage.ru_maxrss


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


def startup_once(argv, ready, env_extra=None, first_seen=lambda b: FRAME.search(b)):
    """ms from exec to the first drawn frame and to `ready` in the output."""
    proc, master, t0 = spawn(argv, env_extra)
    buf = bytearray()
    t_first = read_until(master, buf, first_seen, t0 + 30)
    t_ready = read_until(master, buf, ready, t0 + 30)
    stop(proc, master, b"\x1b\x03")
    return (t_first - t0) * 1000, (t_ready - t0) * 1000


def fmt(xs):
    return f"{statistics.median(xs):.1f} ms (min {min(xs):.1f}, max {max(xs):.1f})"


rows = []
remote = [BIN, "--frontend-api", URL, "--no-store"]
embedded = [BIN, "--no-store"]
gh = shutil.which("gh")
ghome = f"{WORK}/gh"
os.makedirs(ghome, exist_ok=True)
GH_ENV = {"GH_CONFIG_DIR": ghome, "GH_NO_UPDATE_NOTIFIER": "1"}
fresh = iter(range(1_000_000))
cases = {
    "remote": (lambda: remote, shows("Email address"), None, None),
    "embedded": (lambda: embedded, shows("Email address"), None, None),
    # A first-ever run: a config dir that does not exist yet, so the database is created.
    "first-ever": (lambda: [BIN, "--config-dir", f"{WORK}/fresh-{next(fresh)}"], shows("Email address"), None, None),
}
if ANCHOR:
    cases["anchor"] = (lambda: [ANCHOR, "--anchor-run"], shows("Email address"), None, None)
if gh:
    what = lambda b: b"What account" in b
    cases["gh"] = (lambda: [gh, "auth", "login"], what, GH_ENV, what)
times = {k: ([], []) for k in cases}
for _ in range(RUNS):
    # Interleaved, so a burst of load from elsewhere hits every case alike.
    for name, (argv, ready, env, first_seen) in cases.items():
        kw = {"first_seen": first_seen} if first_seen else {}
        f, r = startup_once(argv(), ready, env, **kw)
        times[name][0].append(f)
        times[name][1].append(r)
load = open("/proc/loadavg").read().split()[:3]
rows.append(("load average while measuring (1, 5, 15 min)", " / ".join(load)))
rows.append(("exec -> first frame, against running `serve`", fmt(times["remote"][0])))
rows.append(("exec -> identifier screen ready, against running `serve`", fmt(times["remote"][1])))
rows.append(("exec -> first frame, embedded server (in-memory DB)", fmt(times["embedded"][0])))
rows.append(("exec -> identifier screen ready, embedded server (in-memory DB)", fmt(times["embedded"][1])))
rows.append(("exec -> first frame, first-ever run (fresh config dir, embedded server)", fmt(times["first-ever"][0])))
rows.append(("exec -> identifier screen ready, first-ever run", fmt(times["first-ever"][1])))
if ANCHOR:
    rows.append(("anchor: trivial ratatui app, exec -> first frame", fmt(times["anchor"][0])))
if gh:
    ver = subprocess.check_output([gh, "--version"]).decode().splitlines()[0]
    g = statistics.median(times["gh"][0])
    rows.append((f"anchor: `gh auth login` exec -> first prompt ({ver})", fmt(times["gh"][0])))
    rows.append(("ratio first-ever run's first frame / gh's first prompt (medians)",
                 f"{statistics.median(times['first-ever'][0]) / g:.2f}"))
    rows.append(("ratio first frame against `serve` / gh's first prompt (medians)",
                 f"{statistics.median(times['remote'][0]) / g:.2f}"))
else:
    rows.append(("`gh auth login`", "not installed (apt-get install gh)"))


def signed_in_rss(argv):
    """Peak RSS (MiB) over a whole run that signs in with a password and quits."""
    proc, master, t0 = spawn(argv)
    buf = bytearray()
    read_until(master, buf, shows("Email address"), time.monotonic() + 30)
    os.write(master, b"ada@example.com\r")
    read_until(master, buf, shows("Enter your password"), time.monotonic() + 30)
    os.write(master, b"clerk-demo-password\r")
    read_until(master, buf, shows("Session token"), time.monotonic() + 30)
    drain(master, 0.5)
    return stop(proc, master, b"q") / 1024


rows.append(("peak RSS through a password sign-in, embedded server",
             " / ".join(f"{signed_in_rss(embedded):.1f}" for _ in range(3)) + " MiB (3 runs)"))
rows.append(("peak RSS through a password sign-in, against `serve`",
             " / ".join(f"{signed_in_rss(remote):.1f}" for _ in range(3)) + " MiB (3 runs)"))
if ANCHOR:
    proc, master, t0 = spawn([ANCHOR, "--anchor-run"])
    read_until(master, bytearray(), shows("Email address"), time.monotonic() + 30)
    os.write(master, b"ada@example.com")
    drain(master, 0.3)
    anchor_rss = stop(proc, master, b"\x1b") / 1024
    rows.append(("anchor: trivial ratatui app, peak RSS", f"{anchor_rss:.1f} MiB"))
if gh:
    proc, master, t0 = spawn([gh, "auth", "status"], GH_ENV)
    drain(master, 0.2)
    rows.append(("anchor: `gh auth status`, peak RSS", f"{stop(proc, master, b'') / 1024:.1f} MiB"))


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
    # "Email a sign-in link to ..." (older builds: "Email link").
    pick = re.compile(r"(\d)\. Email (?:a sign-in )?link")
    read_until(master, buf, lambda b: pick.search(screen(bytes(b))), time.monotonic() + 30)
    os.write(master, pick.search(screen(bytes(buf))).group(1).encode())
    read_until(master, buf, shows("Checking every second"), time.monotonic() + 30)


for argv, setup, what, log in [
    (remote, on_identifier, "idle on the identifier screen", "idle.log"),
    (remote, on_email_link, "waiting for an email link", "link.log"),
    (embedded, on_identifier, "idle on the identifier screen, embedded server", "idle-emb.log"),
]:
    # One scenario that no longer matches the screens must not lose the figures taken so far.
    try:
        idle(argv, setup, what, f"{WORK}/{log}")
    except TimeoutError as e:
        shown = screen(bytes(e.args[0])) if e.args else ""
        print(f"{what}: timed out; the screen showed:\n{shown}", file=sys.stderr)
        rows.append((what, "not measured (the script timed out, see stderr)"))

serve_pid = int(os.environ["SERVE_PID"])
rows.append(("`clerk-tui serve`: peak RSS (VmHWM) after all of the above", f"{status_kb(serve_pid, 'VmHWM')/1024:.1f} MiB"))

print("## Process (release binary, 80x24 pty)\n")
print(f"{RUNS} runs per start-up figure; idle windows of {IDLE:.0f} s.\n")
print("| figure | value |\n|---|---:|")
for k, v in rows:
    print(f"| {k} | {v} |")
PY
