"""The run loop, fault injector and invariant checks of bench/chaos (which builds the estate).

One fault per run, chosen by a seeded RNG (the same --seed replays the same kinds, targets and
moments), applied at a random moment after the coordinator starts. After every run:
  I1 the run ended within --max-timeout + 1 s and printed a report;
  I2 every planned (check, agent) pair appears exactly once (every agent is a zone seed in the
     config, so even one that no seed lists and that does not answer is known); UNKNOWN only for the
     agent(s) the fault hit, with a reason that names the fault;
  I3 within 30 s after the fault is lifted a run is completely OK;
  I4 no target sees a connection more than 1 s after the coordinator of the run has exited.
"""
import argparse
import collections
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

AGENTS = ["z1-1", "z1-2", "z2-1", "z2-2", "z3-1", "z3-2"]
INDEX = {"z1-1": 1, "z1-2": 2, "z2-1": 3, "z2-2": 4, "z3-1": 5, "z3-2": 6}
KINDS = ["kill9", "sigstop", "coord-drop", "intra-drop", "seed-restart", "sigterm", "netem"]
DELAY_LINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "delay_line.py")
CHECKS_PER_ZONE = 10
SLOW_PER_ZONE = 3  # http checks answered after 2 s: the batch is in flight when the fault lands
MAX_TIMEOUT = 20  # generous: the machine is shared (2 cores, load often above 50)
CONNECT_TIMEOUT = 5
RECOVERY_DEADLINE = 30.0
FAULT_WORDS = re.compile(r"lost|stopped answering|unreachable|no answer|closed the connection|left|leaving|sent nothing")
LINE = re.compile(r"^(\S+)/(\S+) (\S+) (OK|FAILED|WARNING|UNKNOWN)(?: - (.*))?$")


def addr(host):
    return {"coord": "10.88.8.10", "svc": "10.88.9.10"}.get(host) or f"10.88.{INDEX[host]}.11"


NAMES = {f"{addr(a)}:4550": a for a in AGENTS}


def zone(agent):
    return agent.split("-")[0]


class Estate:
    def __init__(self, args):
        self.args = args
        self.procs = {}
        self.config = os.path.join(args.work, "chaos.yaml")
        with open(self.config, "w") as f:
            f.write("zones:\n")
            for z in ("z1", "z2", "z3"):
                f.write(f"  {z}: {{ seeds: [{addr(z + '-1')}:4550, {addr(z + '-2')}:4550] }}\n")
            f.write("checks:\n")
            for z in ("z1", "z2", "z3"):
                for n in range(CHECKS_PER_ZONE):
                    f.write(f"  - {{ type: tcp, name: '{z}-path-{n}', from: {z}, host: {addr('svc')}, port: 7001 }}\n")
                for n in range(SLOW_PER_ZONE):
                    f.write(f"  - {{ type: http, name: '{z}-slow-{n}', from: {z}, url: 'http://{addr('svc')}:7002/{n}' }}\n")
        self.expected = {(f"{zone(a)}-path-{n}", a) for a in AGENTS for n in range(CHECKS_PER_ZONE)}
        self.expected |= {(f"{zone(a)}-slow-{n}", a) for a in AGENTS for n in range(SLOW_PER_ZONE)}

    def ns(self, host):
        return f"{self.args.prefix}-{host}"

    def start(self, agent):
        # The zone's seed lists itself first, then the zone's other agent: a restarted seed asks that
        # agent first and rejoins its cluster rather than coming back as a cluster of one.
        seeds = ["--seed", f"{addr(zone(agent) + '-1')}:4550"]
        if agent.endswith("-1"):
            seeds += ["--seed", f"{addr(zone(agent) + '-2')}:4550"]
        log = open(os.path.join(self.args.work, f"{agent}.log"), "a")
        mark = os.path.getsize(log.name)
        proc = subprocess.Popen(["ip", "netns", "exec", self.ns(agent), "dotnet", self.args.agent_dll, "--zone", zone(agent),
                                 "--name", agent, "--bind", f"{addr(agent)}:4550", *seeds], stdout=log, stderr=subprocess.STDOUT)
        self.procs[agent] = proc
        deadline = time.time() + 180
        while time.time() < deadline:
            with open(log.name) as f:
                f.seek(mark)
                if f"agent {agent} (zone {zone(agent)}) listening" in f.read():
                    return
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit(f"agent {agent} did not start; see {log.name}")

    def stop(self, agent, sig):
        proc = self.procs[agent]
        proc.send_signal(sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def iptables(self, op, a, b):
        for s, d in ((a, b), (b, a)):
            subprocess.run(["ip", "netns", "exec", self.ns("r"), "iptables", op, "CXFAULT", "-s", s, "-d", d, "-j", "DROP"], check=True)

    def netem_available(self):
        probe = subprocess.run(["tc", "-n", self.ns("svc"), "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"], capture_output=True)
        subprocess.run(["tc", "-n", self.ns("svc"), "qdisc", "del", "dev", "lo", "root"], capture_output=True)
        return probe.returncode == 0

    def netem(self, agents, on, seed):
        """200 ms and 5 % loss on every packet the agents send: tc netem on their links, or where the
        kernel has no sch_netem, the router sends their packets through bench/lib/delay_line.py."""
        if self.has_netem:
            for agent in agents:
                cmd = ["tc", "-n", self.ns(agent), "qdisc", "add" if on else "del", "dev", "eth0", "root"]
                subprocess.run(cmd + (["netem", "delay", "200ms", "loss", "5%"] if on else []), check=True)
            return
        router = ["ip", "-n", self.ns("r")]
        links = [f"{self.args.prefix}h{INDEX[a]}" for a in agents]
        if on:
            self.delay_line = subprocess.Popen(["ip", "netns", "exec", self.ns("r"), "python3", DELAY_LINE, "cxdl", "200", "5", str(seed)],
                                               stdout=open(os.path.join(self.args.work, "delay-line.log"), "a"), stderr=subprocess.STDOUT)
            deadline = time.time() + 10
            while subprocess.run(router + ["link", "show", "cxdl", "up"], capture_output=True, text=True).stdout.find("UP") < 0:
                if time.time() > deadline or self.delay_line.poll() is not None:
                    raise SystemExit("the delay line did not start; see delay-line.log")
                time.sleep(0.05)
            subprocess.run(router + ["route", "add", "default", "dev", "cxdl", "table", "200"], check=True)
            for link in links:
                subprocess.run(router + ["rule", "add", "iif", link, "lookup", "200", "pref", "200"], check=True)
        else:
            for link in links:
                subprocess.run(router + ["rule", "del", "iif", link, "lookup", "200", "pref", "200"], check=True)
            self.delay_line.terminate()
            self.delay_line.wait(timeout=10)

    def connect_time(self, agent):
        """Seconds from the agent's host to a refused connect at the coordinator's host: one round trip."""
        probe = ("import socket,time\nt=time.monotonic()\ns=socket.socket()\ns.settimeout(5)\n"
                 "try: s.connect(('%s', 9))\nexcept OSError: pass\nprint(f'{time.monotonic()-t:.3f}')" % addr("coord"))
        out = subprocess.run(["ip", "netns", "exec", self.ns(agent), "python3", "-c", probe], capture_output=True, text=True)
        return float(out.stdout.strip() or "nan")

    def run(self):
        """Starts a coordinator run; a thread reads its report and notes when it exited, so a fault
        that takes long to apply (an agent restart under load) does not count as the run's time."""
        start = time.time()
        proc = subprocess.Popen(["ip", "netns", "exec", self.ns("coord"), "dotnet", self.args.coordinator_dll, self.config,
                                 "--max-timeout", str(MAX_TIMEOUT), "--connect-timeout", str(CONNECT_TIMEOUT)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=dict(os.environ, CONN_CHECK_TIMINGS="1"))  # phase times on stderr, kept for a failed run
        ended = {}

        def read():
            try:
                ended["out"], ended["err"] = proc.communicate(timeout=MAX_TIMEOUT + 20)
            except subprocess.TimeoutExpired:
                proc.kill()
                ended["out"], ended["err"] = proc.communicate()
            ended["end"] = time.time()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        return start, (proc, reader, ended)

    def finish(self, start, running):
        # The report is stdout (what Nagios reads); Akka's own errors go to stderr.
        proc, reader, ended = running
        reader.join()
        run = Run(start, ended["end"], proc.returncode, ended["out"])
        run.err = ended["err"]
        return run

    def stop_all(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()


class Run:
    def __init__(self, start, end, code, out):
        self.start, self.end, self.code, self.out = start, end, code, out
        self.lines = out.splitlines()
        self.pairs = collections.Counter()
        self.status = {}
        for line in self.lines:
            m = LINE.match(line)
            if m:
                # An agent that did not answer discovery is named by its address (see NAMES).
                key = (m.group(3), NAMES.get(m.group(2), m.group(2)))
                self.pairs[key] += 1
                self.status[key] = (m.group(4), m.group(5) or "")

    @property
    def wall(self):
        return self.end - self.start

    def whole_ok(self, expected):
        return self.code == 0 and all(self.pairs[p] == 1 and self.status[p][0] == "OK" for p in expected) and len(self.pairs) == len(expected)


def check_run(run, estate, hit):
    """I1 and I2 for one run; returns the violations as words."""
    bad = []
    if run.wall > MAX_TIMEOUT + 1 + 1.5:  # + process start/exit measured from outside the namespace
        bad.append(f"I1 run took {run.wall:.1f}s (> --max-timeout {MAX_TIMEOUT} + 1)")
    if not run.lines or not run.lines[0].startswith("CONN-CHECK "):
        bad.append(f"I1 no report (exit {run.code}): {run.out[:300]!r}")
    for key, n in run.pairs.items():
        if key not in estate.expected:
            bad.append(f"I2 unplanned line for {key}")
        elif n > 1:
            bad.append(f"I2 {key} reported {n} times")
    for agent in AGENTS:
        mine = [(c, a) for (c, a) in estate.expected if a == agent]
        present = [p for p in mine if run.pairs[p] >= 1]
        if agent in hit:
            # Every agent is a zone seed in the config: known, so never absent (run 71 of seed 15).
            if len(present) != len(mine):
                bad.append(f"I2 {agent}: {len(mine) - len(present)} of its pairs missing")
            for p in present:
                status, reason = run.status[p]
                if status == "UNKNOWN" and not FAULT_WORDS.search(reason):
                    bad.append(f"I2 {p} UNKNOWN without naming the fault: {reason}")
        else:
            if len(present) != len(mine):
                bad.append(f"I2 {agent} (not hit): {len(mine) - len(present)} of its pairs missing")
            for p in present:
                status, reason = run.status[p]
                if status == "UNKNOWN":
                    bad.append(f"I2 {p} UNKNOWN though the fault did not hit {agent}: {reason}")
    return sorted(set(bad))[:8]


def fault(estate, kind, target, hit, on):
    """Applies (on) or lifts one fault. Restarts (seed-restart, sigterm) happen whole when applied."""
    proc = estate.procs[target]
    if kind == "kill9":
        if on:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        else:
            estate.start(target)
    elif kind == "sigstop":
        proc.send_signal(signal.SIGSTOP if on else signal.SIGCONT)
    elif kind in ("coord-drop", "intra-drop"):
        ends = (addr("coord"), addr(target)) if kind == "coord-drop" else (addr(zone(target) + "-1"), addr(zone(target) + "-2"))
        estate.iptables("-A" if on else "-D", *ends)
    elif kind in ("seed-restart", "sigterm") and on:
        estate.stop(target, signal.SIGTERM)
        estate.start(target)
    elif kind == "netem":
        estate.netem(sorted(hit), on, estate.args.seed)


def late_connections(accepts_log, after, before):
    try:
        with open(accepts_log) as f:
            return sum(1 for line in f if after < float(line.split()[0]) < before)
    except FileNotFoundError:
        return 0


def main():
    p = argparse.ArgumentParser()
    for name in ("--prefix", "--work", "--agent-dll", "--coordinator-dll", "--uptime"):
        p.add_argument(name, required=True)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--short", action="store_true")
    p.add_argument("--from", dest="first", type=int, default=1, help="replay from fault K of the seed's plan")
    args = p.parse_args()
    rng = random.Random(args.seed)
    if args.short:
        kinds = KINDS[:]
        rng.shuffle(kinds)
        plan = kinds + [rng.choice(KINDS)]
    else:
        plan = [KINDS[i % len(KINDS)] for i in range(args.runs)]
        rng.shuffle(plan)

    estate = Estate(args)
    estate.has_netem = estate.netem_available()
    if not estate.has_netem:
        print("tc netem is not available in this kernel (no sch_netem): the netem fault goes through bench/lib/delay_line.py (a TUN device in the router)", flush=True)
    accepts = os.path.join(args.work, "accepts.log")
    for a in AGENTS:
        estate.start(a)
    t = time.time()
    while True:
        run = estate.finish(*estate.run())
        if run.whole_ok(estate.expected):
            break
        if time.time() - t > 90:
            print("the estate never came up whole:\n" + run.out[:2000], file=sys.stderr)
            return 1
        time.sleep(1)
    print(f"estate up and whole in {time.time() - t:.1f}s; {len(plan)} runs, seed {args.seed}", flush=True)

    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    stats = {k: {"runs": 0, "fail": 0, "worst": 0.0, "recovery": 0.0} for k in KINDS}
    failures = []
    runs_total = 0
    done = 0
    for number, kind in enumerate(plan, 1):
        if stopping:
            print(f"stopped by a signal after {done} of {len(plan)} runs", flush=True)
            break
        target = rng.choice(AGENTS)
        if kind == "seed-restart":
            target = zone(target) + "-1"
        elif kind == "sigterm":
            target = zone(target) + "-2"
        moment = rng.uniform(0.5, 4.5)
        if number < args.first:
            continue
        done = number - args.first + 1
        hit = {target} if kind not in ("intra-drop", "netem") else {zone(target) + "-1", zone(target) + "-2"}
        start, proc = estate.run()
        time.sleep(max(0.0, start + moment - time.time()))
        applied = time.time()
        fault(estate, kind, target, hit, on=True)
        applied_check, rtt = [], None
        if kind == "netem":
            # The fault must be in effect, not just configured: one round trip from a hit agent.
            rtt = estate.connect_time(sorted(hit)[0])
            if not rtt >= 0.19:
                applied_check.append(f"F0 netem not in effect: a connect from {sorted(hit)[0]} took {rtt:.3f}s (expected >= 0.2s)")
        run = estate.finish(start, proc)
        runs_total += 1
        bad = applied_check + check_run(run, estate, hit)
        hold = {"sigstop": 6.0, "intra-drop": 6.0, "coord-drop": 4.0}.get(kind, 0.0)
        time.sleep(max(0.0, applied + hold - time.time()))
        fault(estate, kind, target, hit, on=False)
        lifted = time.time()
        recovered = None
        previous_end = run.end
        while time.time() - lifted < RECOVERY_DEADLINE:
            time.sleep(1)
            late = late_connections(accepts, previous_end + 1.0, time.time())
            if late:
                bad.append(f"I4 {late} connection(s) to the target more than 1s after the coordinator exited")
            again = estate.finish(*estate.run())
            runs_total += 1
            previous_end = again.end
            if again.wall > MAX_TIMEOUT + 2.5 or not again.lines or not again.lines[0].startswith("CONN-CHECK "):
                bad.append(f"I1 recovery run took {again.wall:.1f}s, first line {again.lines[:1]}")
            if again.whole_ok(estate.expected):
                recovered = again.end - lifted
                break
            last = again
        if recovered is None:
            bad.append(f"I3 no completely OK run within {RECOVERY_DEADLINE:.0f}s after the fault was lifted; last: {last.lines[:1]} "
                       + "; ".join(l for l in last.lines if " UNKNOWN" in l or " FAILED" in l)[:400])
        s = stats[kind]
        s["runs"] += 1
        s["worst"] = max(s["worst"], run.wall)
        s["recovery"] = max(s["recovery"], recovered or RECOVERY_DEADLINE)
        if bad:
            s["fail"] += 1
            failures.append((number, kind, target, moment, bad, run))
            # The coordinator's report and its log of a run that broke an invariant, for the post-mortem.
            with open(os.path.join(args.work, f"failed-{number}.out"), "w") as f:
                f.write(f"{kind} {target} at {moment:.2f}s; started {run.start:.3f}, ended {run.end:.3f}\n{run.out}\n--- stderr ---\n{run.err}")
        print(f"run {number:3d} {kind:12s} {target:5s} at {moment:.2f}s: exit {run.code}, {run.wall:.1f}s, "
              f"whole again {('%.1fs' % recovered) if recovered is not None else 'NEVER'} after lift"
              + (f", round trip under the fault {rtt:.3f}s" if rtt is not None else "")
              + (f" -- {len(bad)} violation(s): {bad[0]}" if bad else ""), flush=True)

    estate.stop_all()
    print()
    print(f"chaos: {done} fault runs (+ {runs_total - done} recovery runs), seed {args.seed}, {os.cpu_count()} cores; load before: {args.uptime.strip()}")
    print(f"{'fault':14s} {'runs':>5s} {'violations':>10s} {'worst run s':>12s} {'worst whole-again s':>20s}")
    for k in KINDS:
        s = stats[k]
        print(f"{k:14s} {s['runs']:5d} {s['fail']:10d} {s['worst']:12.1f} {s['recovery']:20.1f}")
    print(f"{'total':14s} {done:5d} {len(failures):10d}")
    print(f"load after: {open('/proc/loadavg').read().strip()}")
    for number, kind, target, moment, bad, run in failures:
        print(f"VIOLATION run {number} {kind} {target} at {moment:.2f}s:")
        for b in bad:
            print(f"  {b}")
        # Where the coordinator's time went: its status line and its phase times (CONN_CHECK_TIMINGS).
        print(f"  report: {run.lines[0] if run.lines else '(none)'}")
        for line in run.err.splitlines():
            if "timing:" in line:
                print(f"  {line.strip()}")
    return 1 if failures else 0


def summarise(log):
    """The end table again, from the per-run lines of a chaos log (a run stopped before its end)."""
    row = re.compile(r"^run +(\d+) (\S+) +(\S+) +at [\d.]+s: exit (\d+), ([\d.]+)s, whole again (\S+) after lift(?:, round trip under the fault [\d.na]+s)?( -- .*)?$")
    stats = {k: {"runs": 0, "fail": 0, "worst": 0.0, "recovery": 0.0} for k in KINDS}
    for line in open(log):
        m = row.match(line.strip())
        if m:
            s = stats[m.group(2)]
            s["runs"] += 1
            s["fail"] += 1 if m.group(7) else 0
            s["worst"] = max(s["worst"], float(m.group(5)))
            s["recovery"] = max(s["recovery"], RECOVERY_DEADLINE if m.group(6) == "NEVER" else float(m.group(6).rstrip("s")))
    print(f"{'fault':14s} {'runs':>5s} {'violations':>10s} {'worst run s':>12s} {'worst whole-again s':>20s}")
    for k in KINDS:
        s = stats[k]
        print(f"{k:14s} {s['runs']:5d} {s['fail']:10d} {s['worst']:12.1f} {s['recovery']:20.1f}")
    print(f"{'total':14s} {sum(s['runs'] for s in stats.values()):5d} {sum(s['fail'] for s in stats.values()):10d}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--summarise"]:
        sys.exit(summarise(sys.argv[2]))
    sys.exit(main())
