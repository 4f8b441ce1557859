"""The studio an artist opens: `state` (headless, testable), `view` and its panels (Dear PyGui widgets) with
the `hosts` they need, the background threads by job (`baker`, `preview_worker`, `segmenters`, `tasks`) and
`preview` (pixel work for the displays)."""
