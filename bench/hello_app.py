"""The HTTP baseline: the smallest Flask app, served by gunicorn with the gateway's settings."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"
