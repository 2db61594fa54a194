#!/usr/bin/env python3
"""`capstan init`: the plan's layout for the 23 ta-microservices services,
with the flags the example's README gives, is examples/ta-microservices
(same files, byte for byte); every kustomization renders with `capstan
build` exactly as `kubectl kustomize` does; `capstan app create` (against `capstan cluster up`) accepts every
AppProject and Application; bad input is refused with nothing written.
usage: init_test.py CAPSTAN   (run from the repository root)"""
import os, shlex, shutil, sys, tempfile, yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, cluster_down, cluster_up, finish, run  # noqa: E402

CAPSTAN = os.path.abspath(sys.argv[1])
EXAMPLE = os.path.abspath("examples/ta-microservices")


def plan_flags():
    """The flags of the `capstan init` command in the example's README: the
    one place that says how the example was written."""
    text = open(os.path.join(EXAMPLE, "README.md")).read()
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    words = shlex.split(block.replace("\\\n", " "))
    assert words[:3] == ["capstan", "init", "ta-microservices"], words[:3]
    return words[3:]


PLAN_FLAGS = plan_flags()


def files_under(d):
    out = set()
    for root, _, names in os.walk(d):
        for n in names:
            out.add(os.path.relpath(os.path.join(root, n), d))
    return out


def identities(text):
    return sorted((o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"])
                  for o in yaml.safe_load_all(text) if o)


tmp = tempfile.mkdtemp(prefix="capstan-init-")
try:
    out = os.path.join(tmp, "gitops")
    r = run([CAPSTAN, "init", out] + PLAN_FLAGS)
    check(r.returncode == 0, f"init: {r.stderr}")
    got, want = files_under(out), files_under(EXAMPLE) - {"README.md"}
    # Added to the example by the controller work (the ApplicationSet and the
    # PrometheusRules with their promtool test); `init` does not write them.
    want = {f for f in want if not f.startswith(("applicationsets/", "monitoring/"))}
    check(got == want, f"file set differs from the example: only init {sorted(got - want)[:5]}, "
                       f"only example {sorted(want - got)[:5]}")
    identical = sum(1 for f in got & want if open(os.path.join(out, f)).read() == open(os.path.join(EXAMPLE, f)).read())
    print(f"init vs examples/ta-microservices: {identical} of {len(want)} files byte-identical")
    check(identical == len(want), "init's files differ from the example's: "
          f"{sorted(f for f in got & want if open(os.path.join(out, f)).read() != open(os.path.join(EXAMPLE, f)).read())[:5]}")

    kdirs = sorted(os.path.dirname(f) for f in got if os.path.basename(f) == "kustomization.yaml")
    rendered = 0
    for d in kdirs:
        mine = run([CAPSTAN, "build", os.path.join(out, d)])
        check(mine.returncode == 0, f"capstan build {d}: {mine.stderr.strip()}")
        if not d.endswith("/base"):  # every base is rendered again by its overlays
            ref = run(["kubectl", "kustomize", os.path.join(out, d)])
            check(ref.returncode == 0, f"kubectl kustomize {d}: {ref.stderr.strip()}")
            check(mine.stdout == ref.stdout, f"{d}: capstan build differs from kubectl kustomize")
        same = all(open(os.path.join(out, f)).read() == open(os.path.join(EXAMPLE, f)).read()
                   for f in got & want if f.startswith(d + "/") or os.path.dirname(f) == d)
        ex = run([CAPSTAN, "build", os.path.join(EXAMPLE, d)]) if not same else None
        if ex is not None and ex.returncode == 0:
            check(identities(mine.stdout) == identities(ex.stdout), f"{d}: objects differ from the example")
        rendered += mine.returncode == 0
    print(f"rendered {rendered} of {len(kdirs)} kustomizations")
    # The pre-deployment checks pass on what init writes (when the binary has them).
    if run([CAPSTAN, "check", "--help"]).returncode == 0:
        # apps/ only: infrastructure/ (PostgreSQL, Redis as the plan writes them) is not lint-clean,
        # in the example either.
        r = run([CAPSTAN, "check", os.path.join(out, "apps")])
        check(r.returncode == 0, f"capstan check apps/ of the scaffold: {r.stdout[-2000:]} {r.stderr[-500:]}")

    # capstan app create accepts the AppProjects and Applications.
    env = cluster_up(CAPSTAN, tmp)
    for sub in ["projects", "environments/dev/apps", "environments/staging/apps", "environments/production/apps"]:
        r = run([CAPSTAN, "app", "create", "-f", os.path.join(out, sub)], env=env)
        check(r.returncode == 0, f"app create {sub}: {r.stderr.strip()}")
    r = run([CAPSTAN, "app", "list"], env=env)
    names = [l.split()[0] for l in r.stdout.splitlines()[1:] if l.strip()]
    check(len(names) == 3 * 25, f"app list shows {len(names)} Applications, want 75")

    # Bad input: nothing written.
    r = run([CAPSTAN, "init", out, "--services", "a"])
    check(r.returncode != 0 and "already exists and is not empty" in r.stderr, f"existing dir: {r.stderr}")
    bad = os.path.join(tmp, "bad")
    r = run([CAPSTAN, "init", bad, "--services", "auth,Bad_Name"])
    check(r.returncode != 0 and "service \"Bad_Name\"" in r.stderr and not os.path.exists(bad), f"bad name: {r.stderr}")
    r = run([CAPSTAN, "init", bad, "--services", "auth", "--group", "nope=x"])
    check(r.returncode != 0 and "--group nope=x: no such service" in r.stderr and not os.path.exists(bad),
          f"bad group: {r.stderr}")
    check(not [f for f in os.listdir(tmp) if "capstan-init" in f], "temp dir left behind")
finally:
    cluster_down(CAPSTAN, tmp)
    shutil.rmtree(tmp, ignore_errors=True)

finish()
