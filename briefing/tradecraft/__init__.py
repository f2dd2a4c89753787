"""Tradecraft rules: what a senior reviewer would catch, run as warnings by the one check
pipeline (briefing.checking), so build, check, preview, the language server and release all
show them. Each rule is one module, listed once in the registry; a brief turns one off only
in its front matter (`waive:`), with a reason that the scope note prints."""
