"""Importers for open datasets: the nightly attacks dataset (waves), UCDP GED and ACLED-style CSV.

Each importer has two halves. Parsing is plain Python over plain data (``common``,
``munitions``, ``places`` and the ``parse_*`` functions of each module): a row in, a
typed record or a :class:`~datasets.importers.common.RowProblem` out, testable
without a database. Writing is one service per dataset (``waves_import``,
``ucdp_import``, ``acled_import``) that looks rows up in batches, writes each batch
in one transaction and returns an :class:`~datasets.importers.common.ImportSummary`.
The management commands only parse arguments and print the summary.
"""
