"""`qtime serve`: the app in a browser tab, through textual-serve, behind a token.

`guard.py` decides who may use the server (the token, its cookie, the
Origin check); `server.py` runs textual-serve's server with that guard in
front of every route and an access log that shows paths only.
"""
