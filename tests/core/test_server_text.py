"""``server_text``: the part of an error body worth showing, whichever server wrote it."""

from __future__ import annotations

import pytest

from bentosync.core.cloud_errors import server_text

S3_EXPIRED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
    b"<X-Amz-Expires>1</X-Amz-Expires><Expires>2026-01-01T00:00:01Z</Expires>"
    b"<RequestId>4442587FB7D0A2F9</RequestId></Error>"
)
# MinIO indents its errors; the message may carry escaped characters.
MINIO_INVALID_PART = """<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>InvalidPart</Code>
  <Message>One or more of the specified parts could not be found &amp; so on</Message>
  <Key>models/default/demo/v1.tar</Key>
</Error>
"""


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (S3_EXPIRED, "AccessDenied: Request has expired"),
        (
            MINIO_INVALID_PART,
            "InvalidPart: One or more of the specified parts could not be found & so on",
        ),
        (b"<Error><Code>NoSuchUpload</Code></Error>", "NoSuchUpload"),
        (
            b'{"error": "model \\"demo:v1\\": record not found"}',
            'model "demo:v1": record not found',
        ),
        (b'{"message": "token expired"}', "token expired"),
        # Not an S3 error: shown as it is.
        (b"<html><body>502 Bad Gateway</body></html>", "<html><body>502 Bad Gateway</body></html>"),
        (b"<Error><Message>no code</Message></Error>", "<Error><Message>no code</Message></Error>"),
        (b"plain words", "plain words"),
    ],
)
def test_error_bodies_become_readable(body, shown):
    assert server_text(body) == shown


def test_secrets_are_scrubbed_from_s3_messages_too():
    body = b"<Error><Code>AccessDenied</Code><Message>token tok-123 refused</Message></Error>"
    assert server_text(body, "tok-123") == "AccessDenied: token <redacted> refused"
