"""Finding entities by name, in English or Chinese, for the search page and the reconciliation service.

- ``fold``: the keys names are compared on (accents, case, script, pinyin);
- ``index``: every labelled IRI of the graph with its names, labels and types, built
  once per build version;
- ``rank``: scoring a query against the names, and the ranking.
"""

from cqkg.search.index import Entry, SearchIndex
from cqkg.search.rank import Hit, rank

__all__ = ["Entry", "Hit", "SearchIndex", "rank"]
