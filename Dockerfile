# The oncograph web application (`oncograph serve`) for docker-compose.yml: the project installed
# into its own virtual environment, run as an unprivileged user on a read-only root filesystem.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md LICENSE cli.py ./
COPY graph_loader/ graph_loader/
COPY queries/ queries/
COPY ontology/ ontology/
COPY web/ web/
RUN python -m venv /opt/oncograph && /opt/oncograph/bin/pip install --quiet . \
    && useradd --system --uid 10001 --home-dir /nonexistent oncograph
ENV PATH=/opt/oncograph/bin:$PATH
# the root filesystem is read-only: matplotlib (dossier plots) keeps its font cache on /tmp
ENV MPLCONFIGDIR=/tmp/matplotlib
USER oncograph
EXPOSE 8000
CMD ["oncograph", "serve", "--host", "0.0.0.0", "--port", "8000"]
