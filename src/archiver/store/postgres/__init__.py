"""PostgreSQL as a second engine: one archive and one frontier shared by many crawlers.

``Archive("postgresql://user@host/db")`` (or ``--db``/``ARCHIVER_DB`` set to such a URL)
opens it; every command then works as on a SQLite file. The modules: ``connection``
(pool, errors, the archive's SQL on psycopg), ``schema`` (versioned migrations),
``engine`` (opening, dead runs, the fleet's state), ``writer`` (concurrent saves),
``fts`` (search), ``export``, ``frontier`` (leased URLs), ``hosts`` (host slots leased
across the fleet) and ``copy`` (``archiver migrate`` between engines).
"""
