"""What an operator needs from the server: health endpoints, request-id logging and Prometheus metrics."""
