"""Source readers: how a source file's bytes become the text its quotes are matched
against. One module for each kind of file; `registry` lists them by kind."""
