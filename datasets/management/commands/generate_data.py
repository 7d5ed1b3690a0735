"""Fill a database with realistic synthetic strikes for benchmarks (never alongside real data)."""

import os
import subprocess
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Generate N synthetic attacks with waves, munitions, 2-3 articles and claims each, decisions and "
        "published figures, by COPY. Refuses a database holding real attacks unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--attacks", type=int, required=True, help="How many attacks to generate.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same data).")
        parser.add_argument(
            "--database-url", help="Generate into this database instead of the configured one (e.g. sw_scale)."
        )
        parser.add_argument("--reset", action="store_true", help="Empty the attack, source and figure tables first.")
        parser.add_argument("--force", action="store_true", help="Run even if the database holds real attacks.")
        parser.add_argument("--chunk-size", type=int, default=20000, help=argparse_hidden())

    def handle(self, *args, **opts):
        if opts["database_url"]:
            # Re-run against the other database: settings (and the reference loader) read DATABASE_URL.
            argv = [sys.executable, sys.argv[0], "generate_data", "--attacks", str(opts["attacks"])]
            argv += ["--seed", str(opts["seed"]), "--chunk-size", str(opts["chunk_size"])]
            argv += ["--reset"] * opts["reset"] + ["--force"] * opts["force"]
            env = {**os.environ, "DATABASE_URL": opts["database_url"]}
            code = subprocess.call(argv, env=env)
            if code:
                raise CommandError(f"generation into {opts['database_url']} failed (exit {code})")
            return
        if opts["attacks"] < 1:
            raise CommandError("--attacks must be at least 1")

        from bench import generate

        with connection.cursor() as cur:
            real = generate.count_real_attacks(cur)
            cur.execute("SELECT count(*) FROM strikes_place WHERE kind = 'oblast'")
            has_reference = cur.fetchone()[0] > 0
        if real and not opts["force"]:
            raise CommandError(
                f"This database holds {real} attacks that were not generated. Synthetic data is never mixed with "
                "real data: use a separate database (--database-url) or pass --force."
            )
        if not has_reference:
            try:
                from datasets.reference import reference_load
            except ImportError as exc:
                raise CommandError(f"No reference data and no reference loader available: {exc}") from exc
            self.stdout.write(f"Loading reference data: {reference_load()}")
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        connection.close()
        if opts["reset"]:
            if real:
                # --force may add synthetic rows beside real ones, but never empties real data.
                raise CommandError("--reset would delete real attacks; refusing even with --force.")
            import psycopg

            with psycopg.connect(**params) as conn:
                generate.reset(conn)
            self.stdout.write("Emptied the generated tables.")
        try:
            result = generate.generate(
                params,
                attacks=opts["attacks"],
                seed=opts["seed"],
                chunk_size=opts["chunk_size"],
                force=opts["force"],
                progress=lambda msg: self.stdout.write(msg),
            )
        except generate.GenerateError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.attacks:,} attacks, {result.articles:,} articles, {result.claims:,} claims: "
                f"{result.rows:,} rows in {result.seconds:.1f}s ({result.rows_per_second:,.0f} rows/s, "
                f"{result.attacks / result.seconds:,.0f} attacks/s)."
            )
        )


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
