#!/usr/bin/python3
"""`pint info --json` prints one JSON object naming the Kokkos backend(s), the
MPI library and one placement per rank; `pint info` prints the same as text."""
import json

import pint_cli


def main():
    args = pint_cli.arguments()
    failures = pint_cli.Failures()
    p = pint_cli.run(args, ["info", "--json"])
    try:
        j = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        failures.check(False, f"pint info --json parses: {e}: {p.stdout!r}")
        failures.finish()
    backends = j["kokkos"]["backends"]
    failures.check(isinstance(backends, list) and backends and
                   all(isinstance(b, str) and b for b in backends),
                   f"names the Kokkos backend(s): {backends}")
    failures.check(j["kokkos"]["default_execution_space"] in backends or
                   j["kokkos"]["default_execution_space"] in ("Cuda", "HIP", "OpenMP", "Serial",
                                                              "Threads", "SYCL"),
                   f"and the default execution space: {j['kokkos']['default_execution_space']}")
    failures.check(j["mpi"]["ranks"] == args.ranks and len(j["ranks"]) == args.ranks,
                   f"one placement per rank ({args.ranks})")
    failures.check(all(r["threads"] >= 1 for r in j["ranks"]), "threads per rank >= 1")
    failures.check(bool(j["pint"]["version"]) and bool(j["hdf5"]["version"]),
                   "pint and HDF5 versions")
    text = pint_cli.run(args, ["info"]).stdout
    failures.check(all(b in text for b in backends) and text.count("\nrank ") == args.ranks,
                   "the text form names the backends and every rank")
    failures.finish()


if __name__ == "__main__":
    main()
