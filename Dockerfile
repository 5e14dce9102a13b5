FROM python:3.13-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir uv && uv sync --frozen --no-dev
CMD [".venv/bin/gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi"]
