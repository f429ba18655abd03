"""What a run leaves for people and pipelines: run_results.json, JUnit and Markdown (artifacts)
and the HTML report (html; figures, charts, panels, gather, page; numbers as people read them: sqlmon.numbers). Webhook notifications
are sqlmon.notify."""
