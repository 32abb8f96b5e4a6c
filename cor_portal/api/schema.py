"""The OpenAPI schema documents the error answers every endpoint can give."""

from drf_spectacular.openapi import AutoSchema

from .serializers import ErrorSerializer

ERRORS = {
    "400": "The request has errors (malformed body, or field errors listed per field).",
    "401": "Not signed in: send a token (Authorization: Token ...) or a session cookie.",
    "403": "Signed in, but this part of the portal is not open to your role.",
    "404": "No such record, or not one you may see (on a list: no such page).",
}


class PortalAutoSchema(AutoSchema):
    """Add the error responses (400, 401, 403, 404) to every operation."""

    def _get_response_bodies(self, direction: str = "response") -> dict:  # type: ignore[override]
        responses = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        codes = ["400", "401", "403", "404"]
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses
