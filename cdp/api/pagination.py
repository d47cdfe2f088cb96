from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Cursor pagination over the primary key: pages stay stable while rows are added."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
