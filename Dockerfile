# The newsroom's app image, for compose.yaml (app servers and task workers run the same image).
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/newsroom
COPY pyproject.toml README.md ./
COPY newsroom newsroom
COPY hooks hooks
COPY articles articles
COPY comments comments
COPY api api
COPY accounts accounts
COPY linkbacks linkbacks
COPY search search
COPY delivery delivery
COPY operations operations
COPY guards guards
COPY templates templates
COPY static static
COPY manage.py ./
ENV MEDIA_ROOT=/srv/media STATIC_ROOT=/srv/static
# Static files are part of the image (WhiteNoise serves them from every app server).
RUN pip install --no-cache-dir . && \
    SECRET_KEY=build-only SITE_URL=http://build.invalid DEBUG=0 \
        python manage.py collectstatic --noinput --verbosity 0 && \
    useradd --system --home-dir /srv/newsroom newsroom && \
    mkdir -p /srv/media && chown newsroom /srv/media
USER newsroom
# gunicorn listens on every interface of the container (make serve's default is loopback).
ENV GUNICORN_CMD_ARGS="--bind=0.0.0.0:8000" PORT=8000
EXPOSE 8000
CMD ["python", "-m", "operations.serve"]
