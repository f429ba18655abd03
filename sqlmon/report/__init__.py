"""What a run leaves for people and pipelines: run_results.json, JUnit and Markdown (artifacts),
the HTML report (html, charts, page) and webhook notifications (notify)."""
