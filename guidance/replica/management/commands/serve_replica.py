"""`python manage.py serve_replica --port 8765`: the offline replica over a real socket (threaded wsgiref).

Point the site at it with `INSERJEUNES_API_URL=http://127.0.0.1:8765` (direct, the key as `x-api-key`). With
`--gateway`, the replica stands behind a stand-in of the ministry's gateway (`guidance.replica.gateway`): point the
site at `INSERJEUNES_API_URL=http://127.0.0.1:8765/exposition-inserjeunes-insersup` with the client id, secret and
key the command prints (the token URL defaults to the same origin + `/auth/token`). Fault options override the
REPLICA_* environment variables; both are fixed for the life of the server.
"""

import dataclasses
import logging
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guidance.replica.app import create_app
from guidance.replica.dataset import load_dataset
from guidance.replica.faults import FaultConfig
from guidance.replica.gateway import GATEWAY_PREFIX, GatewayApp, StandInCredentials
from guidance.replica.service_routes import default_openapi_file

logger = logging.getLogger(__name__)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the stdlib's signature)
        logger.debug("replica: %s - %s", self.address_string(), format % args)


def build_server(host: str, port: int, app) -> ThreadingWSGIServer:
    """A threaded wsgiref server for `app` (port 0 picks a free port: read it from `server.server_port`)."""
    return make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)


class Command(BaseCommand):
    help = "Sert la réplique hors ligne de l'API InserJeunes sur un port local."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--api-key", default=None, help="clé API (défaut : REPLICA_API_KEY)")
        parser.add_argument("--latency-ms", type=int)
        parser.add_argument("--error-rate", type=float)
        parser.add_argument("--hang-rate", type=float)
        parser.add_argument("--hang-seconds", type=float)
        parser.add_argument("--malformed-rate", type=float)
        parser.add_argument("--truncate-rate", type=float)
        parser.add_argument("--fault-seed", type=int)
        parser.add_argument("--gateway", action="store_true", help="derrière une passerelle (jeton, puis Bearer)")
        parser.add_argument("--client-id", default=None, help="identifiant client de la passerelle")
        parser.add_argument("--client-secret", default=None, help="secret client de la passerelle")
        parser.add_argument("--gateway-key", default=None, help="clé x-Omogen-api-key de la passerelle")
        parser.add_argument("--token-lifetime", type=int, default=3600, help="durée d'un jeton (s)")

    def handle(self, *args, **options):
        try:
            faults = FaultConfig.from_env()
            overrides = {
                field: options[option]
                for field, option in (
                    ("latency_ms", "latency_ms"),
                    ("error_rate", "error_rate"),
                    ("hang_rate", "hang_rate"),
                    ("hang_seconds", "hang_seconds"),
                    ("malformed_rate", "malformed_rate"),
                    ("truncate_rate", "truncate_rate"),
                    ("seed", "fault_seed"),
                )
                if options.get(option) is not None
            }
            faults = dataclasses.replace(faults, **overrides)
        except ValueError as error:
            raise CommandError(str(error)) from None
        api_key = options["api_key"] if options["api_key"] is not None else settings.REPLICA_API_KEY
        dataset = load_dataset(settings.OPENDATA_DIR)
        openapi_file = default_openapi_file(settings.OPENDATA_DIR)
        app = create_app(dataset, api_key=api_key or None, faults=faults, openapi_file=openapi_file)
        if options["gateway"]:
            local = StandInCredentials.local()
            credentials = StandInCredentials(
                options["client_id"] or local.client_id,
                options["client_secret"] or local.client_secret,
                options["gateway_key"] or local.api_key,
            )
            if options["token_lifetime"] < 1:
                raise CommandError("--token-lifetime doit être positif")
            app = GatewayApp(app, credentials, backend_key=api_key or None, token_lifetime=options["token_lifetime"])
        server = build_server(options["host"], options["port"], app)
        base = f"http://{options['host']}:{server.server_port}"
        self.stdout.write(
            f"Réplique InserJeunes sur {base} "
            f"(données chargées en {dataset.load_seconds:.2f} s, pannes : {faults if faults.active else 'aucune'})"
        )
        if options["gateway"]:
            # The stand-in's credentials open a local copy of public data: shown so the site can be pointed at it.
            self.stdout.write(
                f"Passerelle : INSERJEUNES_API_URL={base}{GATEWAY_PREFIX} "
                f"INSERJEUNES_CLIENT_ID={credentials.client_id} INSERJEUNES_CLIENT_SECRET={credentials.client_secret} "
                f"INSERJEUNES_API_KEY={credentials.api_key}"
            )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
