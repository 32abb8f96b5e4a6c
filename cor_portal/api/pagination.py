from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class PortalPagination(PageNumberPagination):
    """Page-numbered lists; ``page_size`` may be asked for, up to 200.

    A ``page_size`` that is not a whole number of at least 1 is an error (400), not silently
    the default; one above 200 gives 200.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        asked = request.query_params.getlist(self.page_size_query_param)
        if not asked:
            return self.page_size
        try:
            size = int(asked[-1])
        except ValueError:
            size = 0
        if len(asked) > 1 or size < 1:
            message = "Give one whole number, 1 or more."
            raise ValidationError({self.page_size_query_param: [message]})
        return min(size, self.max_page_size)
