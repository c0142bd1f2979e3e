"""The build pipeline: ``load`` (parse, with ``literals`` checks) → ``provenance`` →
``validate`` (SHACL) → ``reason`` (OWL 2 RL) → ``pipeline`` (writes the quads), in a
build folder (``folder``: lock, staging, checksums) described by its ``manifest``."""
