"""The chapter's lessons: one package per page (core, snippets, page)."""
