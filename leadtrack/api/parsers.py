"""The API's JSON parser: DRF's, with JSON nested beyond what can be read (a 100,000-deep
array) answered as a 400 like any other malformed body, not a server error."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error: nested too deeply to read.") from exc
