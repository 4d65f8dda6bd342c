-- One database per service. Rendered by deploy/render.py; run once by the
-- postgres image on its first start (docker-entrypoint-initdb.d).
CREATE DATABASE portal_identity OWNER portal;
CREATE DATABASE portal_billing OWNER portal;
CREATE DATABASE portal_quotes OWNER portal;
CREATE DATABASE portal_timesheets OWNER portal;
CREATE DATABASE portal_notify OWNER portal;
