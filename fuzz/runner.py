"""Run the fuzzer's cases (fuzz/fuzz.py makes them): the CLI's main() in a forked worker,
a sample through the real CLI, a sample of successes built with the host compiler."""
from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fuzz import hostile, sandbox
from fuzz.fuzz import BOARD, CASE_SECONDS, ROOT, WORKER_MEMORY_BYTES, Case, CaseSource
from mcugen.cli import main as cli_main

# --------------------------------------------------------------------------------- running
OK, CLEAN, CRASH, TIMEOUT, VIOLATION = "success", "clean error", "crash", "timeout", "violation"


def classify(code, stderr: str) -> tuple[str, str]:
    """(outcome, detail) for a compile's exit code and stderr."""
    lines = stderr.strip().splitlines()
    if code == 0:
        return OK, ""
    if code == 2 and len(lines) == 1 and lines[0].startswith("mcugen: error: "):
        return CLEAN, lines[0]
    return CRASH, f"exit code {code}: {stderr.strip()[-2000:]}"


def model_argv(model_path: Path, out_dir: Path, command: str = "compile") -> list[str]:
    argv = [command, str(model_path)]
    if command == "compile":
        argv += ["--board", BOARD, "-o", str(out_dir)]
    return argv


def run_in_process(model_path: Path, out_dir: Path, command: str = "compile") -> tuple[str, str]:
    """The CLI's main() in this process on a model; any exception but SystemExit is a crash."""
    return run_main(model_argv(model_path, out_dir, command))


def run_main(argv: list[str], cwd: Path | None = None) -> tuple[str, str]:
    """The CLI's main() in this process (in cwd). Its stdout encodes strictly, as a UTF-8
    terminal's does (PYTHONIOENCODING=utf-8:strict in the subprocess runs)."""
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    stderr = io.StringIO()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = cli_main(argv)
    except SystemExit as exc:  # argparse only; mcugen's main returns its codes
        code = exc.code
    except BaseException:  # what the fuzzer is looking for
        return CRASH, traceback.format_exc()[-3000:]
    if argv[:1] == ["inspect"] and code in (0, 1):
        return OK, ""
    return classify(code, stderr.getvalue())


def _worker(conn, nobody: bool = False, warmup: list[str] | None = None):
    if nobody:  # imports first (the interpreter's own files may be root's alone), then the user
        if warmup:
            run_main(warmup)
        sandbox.as_nobody(WORKER_MEMORY_BYTES)
    else:
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    warnings.simplefilter("ignore")
    while True:
        job = conn.recv()
        if job is None:
            return
        argv, cwd = job
        conn.send(run_main(argv, cwd))


class Worker:
    """A forked process running cases in-process; restarted when a case overruns."""

    def __init__(self, nobody: bool = False, warmup: list[str] | None = None):
        self.nobody = nobody  # run as the unprivileged user (read-only folders are read-only)
        self.warmup = warmup  # a command run before becoming that user, to import what it needs
        self._start()

    def _start(self):
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, self.nobody, self.warmup), daemon=True)
        self.process.start()
        child.close()

    def run(self, argv: list[str], cwd: Path | None, timeout: float) -> tuple[str, str]:
        self.conn.send((argv, None if cwd is None else str(cwd)))
        if self.conn.poll(timeout):
            try:
                return self.conn.recv()
            except EOFError:
                pass
            self._restart()
            return CRASH, f"worker died (exit code {self.process.exitcode})"
        self._restart()
        return TIMEOUT, f"no result within {timeout:.0f} s"

    def _restart(self):
        self.process.kill()
        self.process.join()
        self._start()

    def close(self):
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()


def _cli(argv: list[str]) -> list[bytes]:
    return [os.fsencode(sys.executable), b"-m", b"mcugen", *map(os.fsencode, argv)]


def _cli_env() -> dict:
    """This checkout's mcugen, and a stdout as strict as a UTF-8 terminal's."""
    return dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8:strict")


def run_subprocess(argv: list[str], cwd: Path, timeout: float, nobody: bool = False) -> tuple[str, str]:
    """The real CLI: python -m mcugen compile ... (this checkout's mcugen)."""
    user = dict(user=sandbox.NOBODY, group=sandbox.NOBODY, extra_groups=[]) if nobody else {}
    try:
        result = subprocess.run(_cli(argv), capture_output=True, timeout=timeout, cwd=cwd,
                                stdin=subprocess.DEVNULL, env=_cli_env(), **user)
    except subprocess.TimeoutExpired:
        return TIMEOUT, f"no result within {timeout:.0f} s"
    stderr = result.stderr.decode(errors="replace")
    if argv[:1] == ["inspect"] and result.returncode in (0, 1):
        return OK, ""
    return classify(result.returncode, stderr)


def build_output(out_dir: Path, prefix: str | None = None) -> str:
    """Build the generated folder with the host compiler (-Werror); '' or the error."""
    from mcugen.host import build_host_library
    if prefix is None:
        headers = sorted(out_dir.glob("*.h"))
        if not headers:
            return "no header written"
        prefix = headers[0].stem
    try:
        build_host_library(out_dir, prefix)
    except (RuntimeError, OSError, ValueError) as exc:
        return str(exc)[-2000:]
    return ""


@dataclass
class Report:
    seed: int
    cases: int = 0
    seconds: float = 0.0
    table: dict = field(default_factory=lambda: defaultdict(Counter))  # mutation -> outcome -> n
    failures: list = field(default_factory=list)  # (case, outcome, detail)
    subprocess_runs: int = 0
    subprocess_disagreements: list = field(default_factory=list)
    inspect_runs: int = 0
    builds: int = 0
    build_failures: list = field(default_factory=list)
    case_seconds: float = CASE_SECONDS
    buildable: int = 0  # hostile successes that could be built

    def totals(self) -> Counter:
        total = Counter()
        for counts in self.table.values():
            total.update(counts)
        return total

    @property
    def ok(self) -> bool:
        return not (self.failures or self.subprocess_disagreements or self.build_failures)

    def lines(self) -> list[str]:
        outcomes = (OK, CLEAN, CRASH, TIMEOUT, VIOLATION)
        rows = [("mutation / family", "cases", *outcomes)]
        for name in sorted(self.table):
            c = self.table[name]
            rows.append((name, sum(c.values()), *(c[o] for o in outcomes)))
        t = self.totals()
        rows.append(("total", sum(t.values()), *(t[o] for o in outcomes)))
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
        out = [f"mcugen fuzz: seed {self.seed}, {self.cases} cases in {self.seconds:.0f} s "
               f"(in-process, {self.case_seconds:.0f} s bound per case)"]
        for k, r in enumerate(rows):
            out.append("  " + "  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w)
                                        for i, (v, w) in enumerate(zip(r, widths))))
            if k == 0 or k == len(rows) - 2:
                out.append("  " + "  ".join("-" * w for w in widths))
        out.append(f"inspect on the same files: {self.inspect_runs} runs (crashes counted above)")
        out.append(f"real CLI in a subprocess: {self.subprocess_runs} cases, "
                   f"{len(self.subprocess_disagreements)} disagreeing with in-process")
        out.append(f"host builds (-Werror) of successful compiles: {self.builds}, "
                   f"{len(self.build_failures)} failed")
        for case, outcome, detail in self.failures[:20]:
            out.append(f"FAIL {_case_name(case)}: {outcome}: {_last_line(detail)}")
        for case, detail in self.build_failures[:10]:
            out.append(f"BUILD FAIL {_case_name(case)}: {_last_line(detail)}")
        for case, a, b in self.subprocess_disagreements[:10]:
            out.append(f"DISAGREE {_case_name(case)}: in-process {a}, subprocess {b}")
        return out


def write_log(report: Report, path: Path) -> None:
    """Every failure in full: one block a case, its replay command first."""
    blocks = [f"FAIL {_case_name(c)}: {o}\n{d.strip()}" for c, o, d in report.failures]
    blocks += [f"BUILD FAIL {_case_name(c)}\n{d.strip()}" for c, d in report.build_failures]
    blocks += [f"DISAGREE {_case_name(c)}: in-process {a}, subprocess {b}"
               for c, a, b in report.subprocess_disagreements]
    path.write_text("\n\n".join(blocks) + "\n", errors="backslashreplace")


def _last_line(detail: str) -> str:
    lines = [line for line in detail.strip().splitlines() if line.strip()]
    return lines[-1][:600] if lines else ""


def _case_name(case: Case) -> str:
    if case.hostile_seed is not None:
        return f"case {case.number} (--replay {case.mutation}:{case.hostile_seed})"
    return f"case {case.number} ({case.mutation} on {case.seed_name})"


# Cases make and remove thousands of folders: in memory where there is a tmpfs for it.
FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


class Runner:
    """Where hostile cases run: the worker, a worker as the unprivileged user, a kit."""

    def __init__(self, tmp: Path, seed: int, case_seconds: float):
        self.tmp, self.case_seconds = tmp, case_seconds
        self.kit = hostile.Kit(tmp / "kit", seed)
        (tmp / "kit").mkdir(exist_ok=True)
        self.worker, self._nobody = Worker(), None

    def run(self, argv, cwd, nobody, timeout):
        if nobody and self._nobody is None:
            self.kit.golden(0)
            warmup = ["compile", str(self.kit.cache / "golden0.tflite"), "--board", BOARD, "--prefix", "m",
                      "--report", "-o", str(self.tmp / "warmup")]
            self._nobody = Worker(nobody=True, warmup=warmup)
        return (self._nobody if nobody else self.worker).run(argv, cwd, timeout)

    def setup(self, case: Case, name: str) -> tuple[Path, sandbox.Setting]:
        root = self.tmp / name
        sandbox.remove_tree(root)
        root.mkdir()
        setting = hostile.FAMILIES[case.mutation][1](root, np.random.default_rng(case.hostile_seed), self.kit)
        if setting.as_nobody:
            sandbox.open_up(root)
        return root, setting

    def close(self):
        self.worker.close()
        if self._nobody is not None:
            self._nobody.close()


def _subprocess_run(argv, cwd, nobody, timeout):
    return run_subprocess(argv, cwd, timeout + 10, nobody)


def run_killed(argv: list[str], cwd: Path, delay: float) -> None:
    """The real CLI, killed (SIGKILL) after delay seconds if it is still running."""
    process = subprocess.Popen(_cli(argv), cwd=cwd, env=_cli_env(), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(delay)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_parallel(argvs: list[list[str]], cwd: Path, timeout: float) -> list[tuple[str, str]]:
    """The real CLI, every argv at once (concurrent writes into one folder)."""
    processes = [subprocess.Popen(_cli(argv), cwd=cwd, env=_cli_env(), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for argv in argvs]
    results = []
    deadline = time.monotonic() + timeout + 10
    for process in processes:
        try:
            _, stderr = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            results.append((TIMEOUT, f"no result within {timeout + 10:.0f} s"))
            continue
        results.append(classify(process.returncode, stderr.decode(errors="replace")))
    return results


def run_hostile(runner: Runner, case: Case, report: Report, build_every: int, in_subprocess: bool) -> str:
    """One hostile case: set up, run, judge; every build_every-th success that asks for it
    built, a sample rerun through the real CLI."""
    try:
        root, setting = runner.setup(case, "case")
    except Exception:  # the fuzzer's own bug: say so, go on
        report.failures.append((case, "fuzzer setup error", traceback.format_exc()))
        return "fuzzer setup error"
    outcome, detail = sandbox.run_setting(setting, root, runner.run, runner.case_seconds, run_parallel,
                                            run_killed)
    buildable = outcome == OK and setting.build and setting.prefix and setting.allowed is not None
    report.buildable += bool(buildable)
    if buildable and build_every and (report.buildable - 1) % build_every == 0:
        report.builds += 1
        error = build_output(root / os.fsdecode(setting.allowed), setting.prefix)
        if error:
            report.build_failures.append((case, error))
    # (the real CLI cannot take a NUL in an argument, and the interpreter is root's alone)
    nul = any("\0" in a for argv in setting.argv for a in argv)
    if in_subprocess and setting.subprocess and not setting.as_nobody and not nul:
        report.subprocess_runs += 1
        root2, setting2 = runner.setup(case, "subprocess")
        s_outcome, s_detail = sandbox.run_setting(setting2, root2, _subprocess_run, runner.case_seconds,
                                                     run_parallel, run_killed)
        if s_outcome != outcome:
            report.subprocess_disagreements.append((case, outcome, f"{s_outcome} ({_last_line(s_detail)})"))
    if outcome in (CRASH, TIMEOUT, VIOLATION):
        report.failures.append((case, outcome, detail))
    return outcome


def fuzz(cases: int, seconds: float, seed: int = 0, subprocess_every: int = 200, build_every: int = 50,
         inspect_every: int = 5, shared: bool = True, save: Path | None = None,
         progress: bool = False, hostile_share: float = 0.0, families: list[str] | None = None,
         hostile_build_every: int = 4, case_seconds: float = CASE_SECONDS, log: Path | None = None) -> Report:
    """Run up to `cases` cases within `seconds`; returns the Report. A share of the cases
    (hostile_share) are hostile surroundings (fuzz/hostile.py) of the given families; every
    failure so far is written to log (if given) every 500 cases and at the end."""
    source = CaseSource(seed, shared=shared, hostile=hostile_share, families=families)
    report = Report(seed=seed, case_seconds=case_seconds)
    start = time.monotonic()
    successes = 0
    with tempfile.TemporaryDirectory(prefix="mcugen-fuzz-", dir=FAST_TMP) as tmp:
        tmp = Path(tmp)
        runner = Runner(tmp, seed, case_seconds)
        worker = runner.worker
        try:
            for number in range(cases):
                if time.monotonic() - start > seconds:
                    break
                try:
                    case = source.case(number)
                except Exception:  # the fuzzer's own bug: say so, go on
                    report.failures.append((Case(number, "fuzzer", "case generation", b""), "fuzzer error",
                                            traceback.format_exc()))
                    continue
                report.cases += 1
                sample = bool(subprocess_every) and number % subprocess_every == 0
                if case.hostile_seed is not None:
                    outcome = run_hostile(runner, case, report, hostile_build_every, sample)
                    report.table[case.mutation][outcome] += 1
                    _progress(progress, number, report, start, log)
                    continue
                model = tmp / "case.tflite"
                model.write_bytes(case.data)
                out_dir = tmp / "out"
                shutil.rmtree(out_dir, ignore_errors=True)
                outcome, detail = worker.run(model_argv(model, out_dir), None, case_seconds)
                report.table[case.mutation.split("+")[0]][outcome] += 1  # row: first mutation
                if outcome in (CRASH, TIMEOUT):
                    report.failures.append((case, outcome, detail))
                    if save is not None:
                        save.mkdir(parents=True, exist_ok=True)
                        (save / f"case{number}_{outcome}.tflite").write_bytes(case.data)
                if outcome == OK:
                    successes += 1
                    if build_every and successes % build_every == 1:
                        report.builds += 1
                        error = build_output(out_dir)
                        if error:
                            report.build_failures.append((case, error))
                if inspect_every and number % inspect_every == 0:
                    report.inspect_runs += 1
                    i_outcome, i_detail = worker.run(model_argv(model, out_dir, "inspect"), None, case_seconds)
                    if i_outcome != OK and i_outcome != CLEAN:
                        report.failures.append((case, f"inspect {i_outcome}", i_detail))
                if sample:
                    report.subprocess_runs += 1
                    shutil.rmtree(out_dir, ignore_errors=True)
                    s_outcome, s_detail = run_subprocess(model_argv(model, out_dir), ROOT, case_seconds + 10)
                    if s_outcome != outcome:
                        report.subprocess_disagreements.append((case, outcome, s_outcome))
                _progress(progress, number, report, start, log)
        finally:
            runner.close()
            for name in ("case", "subprocess"):
                sandbox.remove_tree(tmp / name)
            report.seconds = time.monotonic() - start
            if log is not None:
                write_log(report, log)
    return report


def _progress(progress: bool, number: int, report: Report, start: float, log: Path | None) -> None:
    if (number + 1) % 500 == 0 and log is not None:
        write_log(report, log)
    if progress and (number + 1) % 500 == 0:
        t = report.totals()
        print(f"  {number + 1} cases, {time.monotonic() - start:.0f} s: {dict(t)}, "
              f"{len(report.build_failures)} build failures, {len(report.subprocess_disagreements)} "
              f"disagreements", flush=True)


def replay(spec: str, keep: Path, case_seconds: float) -> int:
    """Set up one hostile case (FAMILY:SEED) in keep/, run it, print what happened."""
    family, seed = spec.rsplit(":", 1)
    keep.mkdir(parents=True, exist_ok=True)
    runner = Runner(keep, 0, case_seconds)
    try:
        case = Case(0, family, "hostile", b"", hostile_seed=int(seed))
        root, setting = runner.setup(case, "case")
        print(f"case root: {root}")
        for argv in setting.argv:
            print("  (cd case root;", "python -m mcugen", " ".join(repr(a) for a in argv) + ")")
        outcome, detail = sandbox.run_setting(setting, root, runner.run, case_seconds, run_parallel, run_killed)
        print(f"{outcome}: {detail.strip()}")
    finally:
        runner.close()
    return 0 if outcome in (OK, CLEAN) else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz `mcugen compile` with malformed models "
                                     "and hostile surroundings.")
    parser.add_argument("--cases", type=int, default=10_000, help="number of cases (default 10000)")
    parser.add_argument("--seconds", type=float, default=3600, help="stop after this long (default 3600)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--subprocess-every", type=int, default=500,
                        help="also run every Nth case through the real CLI (0: never)")
    parser.add_argument("--build-every", type=int, default=50,
                        help="build every Nth successful compile with the host compiler (0: never)")
    parser.add_argument("--inspect-every", type=int, default=10,
                        help="also run `mcugen inspect` on every Nth model case (0: never)")
    parser.add_argument("--hostile-build-every", type=int, default=50,
                        help="build every Nth hostile case that succeeds and asks for it (0: never)")
    parser.add_argument("--hostile", type=float, default=0.7,
                        help="share of hostile cases: names, prefixes, output folders, special files (default 0.7)")
    parser.add_argument("--families", nargs="*", help="only these hostile families (e.g. names outdir)")
    parser.add_argument("--case-seconds", type=float, default=CASE_SECONDS, help="time bound of a case")
    parser.add_argument("--replay", metavar="FAMILY:SEED", help="set up and run one hostile case, keep it")
    parser.add_argument("--keep", type=Path, default=Path("fuzz-replay"), help="where --replay sets up")
    parser.add_argument("--log", type=Path, help="write every failure in full here")
    parser.add_argument("--save", type=Path, default=ROOT / "fuzz" / "crashes",
                        help="where crashing inputs are written")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay, args.keep.resolve(), args.case_seconds)
    report = fuzz(args.cases, args.seconds, args.seed, subprocess_every=args.subprocess_every,
                  build_every=args.build_every, inspect_every=args.inspect_every, save=args.save, progress=True,
                  hostile_share=args.hostile, families=args.families, hostile_build_every=args.hostile_build_every,
                  case_seconds=args.case_seconds, log=args.log)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
