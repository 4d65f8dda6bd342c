"""Deployment files rendered from the Procfile (run ``python deploy/render.py``)."""
