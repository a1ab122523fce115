"""Readers of chat exports and call logs (`nudger.ports.ExportReader`), one module per format,
registered in the `nudger.imports` entry point group. They yield what happened, when and between
whom; never a message's text or media (a digest of the text at most, inside an `ident`)."""
