"""Saving from the browser: the pairing token, the capture service and the local endpoint."""

from reader.core.capture.pairing import Pairing, load_pairing, renew_token
from reader.core.capture.server import DEFAULT_PORT, PORT_CHOICES, CaptureEndpoint, ServeError
from reader.core.capture.service import (
    CaptureError,
    Capturer,
    CaptureRequest,
    CaptureResult,
    anchor_selection,
    parse_request,
)

__all__ = [
    "DEFAULT_PORT",
    "PORT_CHOICES",
    "CaptureEndpoint",
    "CaptureError",
    "CaptureRequest",
    "CaptureResult",
    "Capturer",
    "Pairing",
    "ServeError",
    "anchor_selection",
    "load_pairing",
    "parse_request",
    "renew_token",
]
