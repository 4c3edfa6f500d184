"""Schemathesis hooks for Switchboard's contract check (.ci/run, ci/schemathesis/run.sh).

One rule of the API spans requests and cannot be said in OpenAPI: an `Idempotency-Key` names
one request, and the same key with a different request is refused with 422 (the IETF
idempotency-key draft's answer). Generated cases reuse short keys across different requests,
so every schema-valid key is replaced by a fresh one, as a real client does; a schema-invalid
key (a negative case) is sent as generated and must still be refused.

The run works with one API token (run.sh makes it). `DELETE /tokens/{id}` on that token's own
id would leave every later request unauthenticated, so that one id is swapped for an unknown
one (which must be a 404); revoking every other token is tested as generated. For the same
reason a password set on the run's own user (`PATCH /users/{id}`, an admin's reset) is left
out of that one request: a reset revokes every token of the user, the run's own included
(tested in cargo test, tests/it/revocation.rs).
"""

import os
import re
import uuid

import schemathesis

VALID_KEY = re.compile(r"^[!-~]{1,255}$")


OWN_TOKEN_ID = os.environ.get("SWITCHBOARD_TOKEN_ID", "")
OWN_USER_ID = os.environ.get("SWITCHBOARD_USER_ID", "")


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and VALID_KEY.match(headers[name]):
            headers[name] = f"st-{uuid.uuid4()}"
    if OWN_TOKEN_ID and case.operation.path.endswith("/tokens/{id}") and case.method.upper() == "DELETE":
        if (case.path_parameters or {}).get("id") == OWN_TOKEN_ID:
            case.path_parameters["id"] = "tok_00000000000000000000000000"
    if OWN_USER_ID and case.operation.path.endswith("/users/{id}") and case.method.upper() == "PATCH":
        body = case.body if isinstance(case.body, dict) else None
        if (case.path_parameters or {}).get("id") == OWN_USER_ID and body and "password" in body:
            del body["password"]
