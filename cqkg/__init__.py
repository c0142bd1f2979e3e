"""cqkg: the open knowledge graph of Chongqing's science and technology innovation ecosystem.

The pipeline shows in the module names: ``load`` → ``validate`` → ``reason`` →
``build`` (which writes the dataset and its ``store``), with ``web`` and ``cli``
wiring them to users.
"""

__version__ = "0.1.0"
