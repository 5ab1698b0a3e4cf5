"""One typed function per action; the CLI and (later) the web app call these, nothing deeper."""
