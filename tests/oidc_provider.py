"""A small OpenID provider on loopback for the single sign-on tests (tests/test_sso.py).

It serves discovery, its JWKS, /authorize (straight back to the app with a code, as if the
person had signed in), /token (an ID token signed with an RSA key made here), /userinfo and
/logout (recording what it was sent). What it signs can be spoiled per test: another key, an
expired token, another audience, another nonce or state.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    def __init__(self, *, client_id: str = "scrutiny-app"):
        self.client_id = client_id
        self.key = new_key()
        self.kid = "test-key-1"
        self.claims: dict = {}
        self.spoil: dict = {}  # sign_with, exp, aud, nonce, state, iss
        self.authorize_requests: list[dict] = []
        self.logout_requests: list[dict] = []
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        payload = {
            "iss": self.spoil.get("iss", self.url),
            "aud": self.spoil.get("aud", self.client_id),
            "iat": now - 10,
            "nbf": now - 10,
            "exp": now + self.spoil.get("exp", 3600),
            "nonce": self.spoil.get("nonce", nonce),
            **self.claims,
        }
        key = self.spoil.get("sign_with", self.key)
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    base = provider.url
                    self.send_json(
                        {
                            "issuer": base,
                            "authorization_endpoint": f"{base}/authorize",
                            "token_endpoint": f"{base}/token",
                            "userinfo_endpoint": f"{base}/userinfo",
                            "jwks_uri": f"{base}/jwks",
                            "end_session_endpoint": f"{base}/logout",
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                elif url.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    jwk.update(kid=provider.kid, alg="RS256", use="sig")
                    self.send_json({"keys": [jwk]})
                elif url.path == "/authorize":
                    provider.authorize_requests.append(query)
                    code = f"code-{len(provider.codes)}"
                    provider.codes[code] = query
                    back = {"code": code, "state": provider.spoil.get("state", query["state"])}
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                    self.end_headers()
                elif url.path == "/userinfo":
                    if self.headers.get("Authorization") != "Bearer access-token":
                        self.send_json({"error": "invalid_token"}, status=401)
                        return
                    self.send_json(
                        {k: v for k, v in provider.claims.items() if k in {"sub", "email"}}
                    )
                elif url.path == "/logout":
                    provider.logout_requests.append(query)
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"signed out")
                else:
                    self.send_json({"error": "not_found"}, status=404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    self.send_json({"error": "not_found"}, status=404)
                    return
                asked = provider.codes.pop(form.get("code", ""), None)
                if asked is None or form.get("client_id") != provider.client_id:
                    self.send_json({"error": "invalid_grant"}, status=400)
                    return
                self.send_json(
                    {
                        "access_token": "access-token",
                        "token_type": "Bearer",
                        "id_token": provider.id_token(asked.get("nonce", "")),
                    }
                )

        return Handler
