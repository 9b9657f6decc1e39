"""questiontime's terminal app: the `qtime` command, the Textual app, and the network edges."""
