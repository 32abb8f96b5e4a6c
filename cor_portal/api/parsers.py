"""Request parsers: JSON everywhere (the default), multipart where a file is sent."""

from rest_framework.parsers import JSONParser, MultiPartParser

# For the endpoints that take a file: a multipart form (the file and its fields) or JSON.
UPLOAD_PARSERS = [MultiPartParser, JSONParser]
