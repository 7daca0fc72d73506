"""The signed ``/v1`` API: routes, request bodies, signature verification, error answers and OpenAPI."""
