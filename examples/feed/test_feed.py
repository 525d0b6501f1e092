#!/usr/bin/python3
"""crm-feed end to end: following a journal another process writes, being
killed at random and restarted, and refusing bad input with the right exit
status. Standard library only; crmctl (from the same build) writes the
database and reads the journal back as the reference.

usage: test_feed.py CRM_FEED CRMCTL WORKDIR [LAUNCHER...]

With LAUNCHER (CRM_TEST_LAUNCHER of a valgrind build) the following pass,
a restart that finds nothing new, the run that finishes after the kills and
a first run with a fresh state go under it; the killed runs never do
(SIGKILL leaves nothing for a leak check to judge)."""

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

FEED, CRMCTL, WORK = sys.argv[1:4]
LAUNCHER = sys.argv[4:]
SLOW = 20 if LAUNCHER else 1  # valgrind runs a program about 20x slower

# The exit statuses crm-feed documents.
USAGE, BADSTATE, NODB, CANTOUT, IOERR, LOCKED = 64, 65, 66, 73, 74, 75

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, flush=True)


def fresh(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def crmctl(db, *args, actor=None):
    cmd = [CRMCTL, "--db", db] + (["--actor", actor] if actor else []) + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{cmd}: {r.returncode} {r.stderr}")
    return r.stdout.strip()


def journal(db):
    """The journal as crmctl reads it: the reference every output is held to."""
    return json.loads(crmctl(db, "--json", "journal"))


def feed(*args, launcher=(), **kw):
    return subprocess.run(list(launcher) + [FEED] + list(args), capture_output=True, text=True,
                          **kw)


def parse_lines(path):
    """Every line of the output, each a JSON object, or a failed check."""
    with open(path, "rb") as f:
        raw = f.read()
    check(raw == b"" or raw.endswith(b"\n"), f"{path} ends inside a line")
    out = []
    for n, line in enumerate(raw.split(b"\n")[:-1], 1):
        try:
            out.append(json.loads(line.decode("utf-8")))
        except ValueError as e:
            check(False, f"{path} line {n} is not JSON ({e}): {line[:200]!r}")
    return out


def ms(iso):
    return int(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def same_as_journal(lines, entries, what):
    """lines hold every journal entry once, in order, field for field."""
    seqs = [l.get("seq") for l in lines]
    check(seqs == [e["seq"] for e in entries],
          f"{what}: seqs {seqs[:5]}...{seqs[-5:]} ({len(seqs)}) are not the journal's "
          f"1..{len(entries)}")
    for l, e in zip(lines, entries):
        check(set(l) == {"seq", "at", "actor", "entity", "entity_id", "op", "data"},
              f"{what}: fields of seq {l.get('seq')}: {sorted(l)}")
        check(isinstance(l.get("data"), dict), f"{what}: data of seq {l['seq']} is no object")
        for k in ("actor", "entity", "entity_id", "op", "data"):
            check(l.get(k) == e[k], f"{what}: seq {e['seq']} {k}: {l.get(k)!r} != {e[k]!r}")
        check(isinstance(l.get("at"), str) and l["at"].endswith("Z") and len(l["at"]) == 24
              and ms(l["at"]) == ms(e["at"]), f"{what}: seq {e['seq']} at {l.get('at')!r}")


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    check(False, f"timed out waiting for {what}")
    return False


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def test_follow():
    """Changes written by another process while crm-feed follows reach the
    output once each, in order, and SIGTERM ends it cleanly (status 0)."""
    d = fresh("follow")
    db, out, state = (os.path.join(d, n) for n in ("crm.db", "out.jsonl", "state"))
    empty = os.path.join(d, "empty.csv")
    with open(empty, "w") as f:
        f.write("name,email\n")
    crmctl(db, "import", "csv", empty)  # the database, with an empty journal
    p = subprocess.Popen(LAUNCHER + [FEED, "--db", db, "--state", state, "--out", out,
                                     "--follow", "--interval", "20"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Texts that need escaping: quotes, backslashes, tabs, line breaks, a
    # control character, and UTF-8 beyond ASCII.
    # crmctl's demo: some fifty changes in many transactions, in one process.
    crmctl(db, "demo")
    actors = ['agent:"zoë"\\x', "agent:alice", "ivr:月"]
    for i in range(4):
        a = actors[i % len(actors)]
        c = crmctl(db, "customer", "add", "--kind", "person", f'Kunde "{i}" Müller\\', actor=a)
        crmctl(db, "customer", "attr", "set", c, "note", f"line\tone\nline two \x01 ☎ {i}",
               actor=a)
        crmctl(db, "identity", "add", c, "email", f"k{i}@example.com", actor=a)
        if i % 2 == 0:
            crmctl(db, "interaction", "log", c, "--channel", "social", "--direction", "in",
                   "--public", "--summary", f'"@shop" ✓ {i}', "--ref", f"post-{i}", actor=a)
            time.sleep(0.05)  # some polls find nothing new
    crmctl(db, "customer", "rename", c, "Jane Roe")
    last = journal(db)[-1]["seq"]
    wait_for(lambda: count_lines(out) >= last, 30 * SLOW, f"{last} lines in {out}")
    p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=30 * SLOW)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    check(p.returncode == 0, f"follow: SIGTERM gave status {p.returncode}: {err}")
    entries = journal(db)
    same_as_journal(parse_lines(out), entries, "follow")
    with open(state) as f:
        saved = f.read().split("\n")
    check(saved[1] == f"seq {entries[-1]['seq']}", f"follow: state says {saved[1]!r}")
    check(saved[2] == f"out_bytes {os.path.getsize(out)}", f"follow: state says {saved[2]!r}")

    # A restart with nothing new writes nothing and keeps the output as is.
    before = open(out, "rb").read()
    r = feed("--db", db, "--state", state, "--out", out, launcher=LAUNCHER)
    check(r.returncode == 0 and open(out, "rb").read() == before,
          f"follow: an idle restart changed the output ({r.returncode} {r.stderr})")
    # SIGINT while sleeping ends it too. A new state is saved once the
    # handlers are in place (a slow start must not take the signal).
    state2, out2 = state + "2", out + "2"
    p = subprocess.Popen([FEED, "--db", db, "--state", state2, "--out", out2, "--follow",
                          "--interval", "60000"], stderr=subprocess.PIPE, text=True)
    wait_for(lambda: count_lines(out2) == len(entries), 30 * SLOW, "the second output")
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    check(p.returncode == 0, f"follow: SIGINT during a 60 s sleep gave {p.returncode}")
    print("ok follow", flush=True)


def test_kill():
    """SIGKILL at random moments, while another process keeps writing:
    after the restarts every seq is there once, in order, nothing torn."""
    d = fresh("kill")
    db, out, state = (os.path.join(d, n) for n in ("crm.db", "out.jsonl", "state"))
    csv = os.path.join(d, "people.csv")
    with open(csv, "w") as f:
        f.write("name,email\n")
        for i in range(1000):
            f.write(f'"Kunde {i} ""Müller""",k{i}@example.com\n')
    crmctl(db, "import", "csv", csv)  # 2000 entries in one go

    # Another process writes all along, until the kills are over.
    stop = os.path.join(d, "stop")
    writer = subprocess.Popen([sys.executable, "-c", f"""
import os, subprocess, time
i = 0
while not os.path.exists({stop!r}):
    subprocess.run([{CRMCTL!r}, '--db', {db!r}, 'customer', 'add', '--kind', 'person',
                    'Nachzügler ' + str(i)], check=True, capture_output=True)
    i += 1
    time.sleep(0.01)
"""])
    rng = random.Random(os.environ.get("CRM_FEED_SEED") or time.time_ns())
    mid_stream = 0
    for k in range(10):
        # A backlog of 2000 more entries each round, so that a kill can land
        # mid-stream however fast the machine (an idle one catches up with
        # the writer alone in a few milliseconds).
        if k > 0:
            with open(csv, "w") as f:
                f.write("name,email\n")
                for i in range(1000):
                    f.write(f"Kunde {k} {i},k{k}.{i}@example.com\n")
            crmctl(db, "import", "csv", csv)
        lines_before = count_lines(out) if os.path.exists(out) else 0
        p = subprocess.Popen([FEED, "--db", db, "--state", state, "--out", out, "--follow",
                              "--interval", "5", "--batch", str(rng.choice((1, 3, 7, 50)))],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Once it is under way (however slow the start on a loaded machine),
        # at a random moment: inside a batch, between the output's sync and
        # the state's, or while it waits for more.
        before = os.path.getsize(out) if os.path.exists(out) else 0
        wait_for(lambda: p.poll() is not None or
                 (os.path.exists(out) and os.path.getsize(out) > before), 30, "progress")
        time.sleep(rng.uniform(0, 0.15))
        p.kill()
        p.wait()
        n = count_lines(out)
        if lines_before < n < lines_before + 2000:  # the round's backlog not yet written
            mid_stream += 1
        # Each restart first cuts back what the killed run wrote past its
        # saved position; the output never loses a line already saved.
        if not os.path.exists(state):  # killed before its first save
            check(count_lines(out) == 0, f"kill {k}: output written before any state")
            continue
        with open(state) as f:
            saved = int(f.read().split("\n")[2].split()[1])
        check(os.path.getsize(out) >= saved, f"kill {k}: output shorter than its state")
    open(stop, "w").close()
    writer.wait()
    check(writer.returncode == 0, "kill: the writer failed")
    check(mid_stream >= 2, f"kill: only {mid_stream} kills landed mid-stream")

    # A line half-written when killed, then whole lines past the saved
    # position (written, not yet saved): both are cut, none repeated.
    with open(out, "ab") as f:
        f.write(b'{"seq":999999,"at":"2026-')
    r = feed("--db", db, "--state", state, "--out", out, "--batch", "100", launcher=LAUNCHER)
    check(r.returncode == 0, f"kill: the last run gave {r.returncode}: {r.stderr}")
    check("cut back" in r.stderr, f"kill: no word of the cut: {r.stderr!r}")
    size = os.path.getsize(out)
    with open(out, "rb") as f:
        tail = f.read()[-2000:]
    tail = tail[tail.index(b"\n") + 1:]
    with open(out, "ab") as f:
        f.write(tail)  # a run that wrote and synced these, then died before saving
    crmctl(db, "customer", "add", "--kind", "person", "Last One")
    r = feed("--db", db, "--state", state, "--out", out)
    check(r.returncode == 0, f"kill: the run after the tail gave {r.returncode}: {r.stderr}")
    check(f"to {size} bytes" in r.stderr, f"kill: tail not cut back to {size}: {r.stderr!r}")
    same_as_journal(parse_lines(out), journal(db), "kill")
    print(f"ok kill ({mid_stream} of 10 kills mid-stream)", flush=True)


def expect(r, status, words, what):
    check(r.returncode == status, f"{what}: status {r.returncode}, not {status}: {r.stderr!r}")
    for w in words:
        check(w in r.stderr, f"{what}: {w!r} not in {r.stderr!r}")
    check(not r.stdout, f"{what}: wrote {(r.stdout or '')[:200]!r}")


def test_bad_input():
    d = fresh("bad")
    db, out, state = (os.path.join(d, n) for n in ("crm.db", "out.jsonl", "state"))
    crmctl(db, "customer", "add", "--kind", "person", "Jane Doe")
    crmctl(db, "customer", "add", "--kind", "person", "John Doe")

    def run(*args, launcher=()):
        return feed(*args, launcher=launcher)

    expect(run("--db", db), USAGE, ["--state"], "no --state")
    expect(run("--db", db, "--state", state, "--interval", "0"), USAGE, ["--interval"], "interval")
    expect(run("--db", db, "--state", state, "--follow", "--once"), USAGE, ["cannot go"], "modes")
    expect(run("--db", db, "--state", state, "--bogus"), USAGE, ["--bogus"], "unknown option")
    missing = os.path.join(d, "nope.db")
    expect(run("--db", missing, "--state", state), NODB, ["nope.db"], "missing db")
    check(not os.path.exists(missing), "missing db: crm-feed created it")
    notcrm = os.path.join(d, "notcrm.db")
    with open(notcrm, "w") as f:
        f.write("hello\n")
    expect(run("--db", notcrm, "--state", state), NODB, ["notcrm.db"], "not a database")

    # Output that cannot be written to or created.
    expect(run("--db", db, "--state", state, "--out", d), CANTOUT, ["Is a directory"], "out dir")
    expect(run("--db", db, "--state", state, "--out", "/dev/null"), CANTOUT, ["not a regular"],
           "out not a file")
    expect(run("--db", db, "--state", state, "--out", os.path.join(d, "no", "out")), CANTOUT,
           ["cannot open output"], "out in a missing directory")
    expect(run("--db", db, "--state", os.path.join(d, "no", "state")), CANTOUT, ["lock"],
           "state in a missing directory")
    for f in (state, state + ".lock"):
        if os.path.exists(f):
            os.unlink(f)
    with open("/dev/full", "w") as full:
        r = subprocess.run([FEED, "--db", db, "--state", os.path.join(d, "full")], stdout=full,
                           stderr=subprocess.PIPE, text=True)
    expect(r, IOERR, ["No space left"], "stdout on a full device")
    with open(os.path.join(d, "full")) as f:
        check("seq 0\n" in f.read(), "stdout on a full device: the position moved")

    # A good run, then each way its state can go wrong.
    r = run("--db", db, "--state", state, "--out", out, launcher=LAUNCHER)
    check(r.returncode == 0 and count_lines(out) == 2, f"good run: {r.returncode} {r.stderr}")
    good = open(state).read()

    def bad_state(text, words, what):
        with open(state, "w") as f:
            f.write(text)
        expect(run("--db", db, "--state", state, "--out", out), BADSTATE, words, what)
        with open(state, "w") as f:
            f.write(good)

    bad_state("", ["not a crm-feed state"], "empty state")
    bad_state("\x00\xff garbage", ["not a crm-feed state"], "garbage state")
    bad_state(good.replace("seq 2", "seq two"), ["line 2"], "non-numeric seq")
    bad_state(good.replace("seq 2", "seq -2"), ["line 2"], "negative seq")
    bad_state(good.replace("out_bytes", "out_byte"), ["line 3"], "misspelt field")
    bad_state(good[:-1], ["line 4"], "state cut short")
    bad_state(good + "extra\n", ["goes on"], "trailing text")
    # Refused before the output is touched: a torn tail stays for a run
    # with the right state to cut.
    with open(out, "ab") as f:
        f.write(b'{"seq":3,')
    torn = open(out, "rb").read()
    bad_state(good.replace("seq 2", "seq 99"), ["ends at 2", "another database"], "state ahead")
    check(open(out, "rb").read() == torn, "state ahead: the output was changed")
    os.truncate(out, len(torn) - 9)
    bad_state(good.replace(out, "/elsewhere/out.jsonl"), ["belongs to output /elsewhere"],
              "state of another output")
    expect(run("--db", db, "--state", state), BADSTATE, ["not standard output"],
           "file state, stdout run")
    size = os.path.getsize(out)
    bad_state(good.replace(f"out_bytes {size}", f"out_bytes {size + 10}"),
              ["shorter", f"{size} bytes"], "output shorter than recorded")
    os.chmod(state, 0)
    if os.geteuid() != 0:  # root reads it anyway
        expect(run("--db", db, "--state", state, "--out", out), BADSTATE, ["cannot open state"],
               "unreadable state")
    os.chmod(state, 0o600)
    os.unlink(state)
    expect(run("--db", db, "--state", state, "--out", out), BADSTATE,
           ["already holds", "no state"], "output without state")
    check(count_lines(out) == 2, "output without state: the output changed")
    os.mkdir(state)
    expect(run("--db", db, "--state", state, "--out", out), BADSTATE, ["cannot read state"],
           "state is a directory")
    os.rmdir(state)

    # One crm-feed per state. The first holds the lock once its lines are
    # out (it takes it before anything else).
    state, out = state + "3", out + "3"
    p = subprocess.Popen([FEED, "--db", db, "--state", state, "--out", out, "--follow"],
                         stderr=subprocess.PIPE)
    wait_for(lambda: count_lines(out) == 2, 30 * SLOW, "the first feed")
    expect(run("--db", db, "--state", state, "--out", out), LOCKED, ["another crm-feed"],
           "second feed")
    p.terminate()
    p.wait()
    check(p.returncode == 0, f"second feed: the first ended with {p.returncode}")
    print("ok bad input", flush=True)


def main():
    os.makedirs(WORK, exist_ok=True)
    test_bad_input()
    test_follow()
    test_kill()
    if failures:
        print(f"{failures} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
