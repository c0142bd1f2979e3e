"""The build pipeline: ``load`` (parse, with ``literals`` checks, through the ``parse_cache``) →
``provenance`` → ``dataset`` (one in-memory store) → ``validate`` (SHACL) → ``reason`` (OWL 2 RL)
→ ``dataset`` (writes the quads), run by ``pipeline`` with its ``progress``, in a build folder
(``folder``: lock, staging, atomic swap, checksums) described by its ``manifest``."""
