"""What a run leaves for people and pipelines: run_results.json, JUnit and Markdown (artifacts)
and the HTML report (html; figures, charts, panels, numbers, gather, page). Webhook notifications
are sqlmon.notify."""
