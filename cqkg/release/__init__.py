"""The release: dumps (``dumps``), their VoID/DCAT description (``void``), CSV tables
(``tables``), the release folder that holds them all (``folder``), publishing to a
remote store (``publish``) and comparing two releases (``diff``)."""
