"""The directives of brief.md, one module each; `registry` lists them.

To add a directive: a module here with its block (a `Block` subclass: fragments, context
names, brief.json entries, its layout part) and its `Directive` (name, options, builder),
its entry in registry.DIRECTIVES, and its layout part `layouts/_NAME.html`.
"""
