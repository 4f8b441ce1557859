"""The studio an artist opens: `state` (headless, testable), `view` and its panels (Dear PyGui widgets),
`workers` (baking, segmentation and preview threads) and `preview` (pixel work for the displays)."""
