"""The 3-D globe viewer: a loopback server for the built CesiumJS page and headless stills.

`hyperdef.viewer.server.serve(run_dir, ...)` serves a run's scene.czml in the page;
`hyperdef.viewer.screenshot.screenshot(run_dir, out_png, ...)` renders it to a PNG in headless
Chromium. The page itself lives in the repository's viewer/ folder (CesiumJS from npm).
"""
