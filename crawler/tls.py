"""Certificate checking for HTTPS downloads, with the reason a certificate was refused.

Scrapy does not verify certificates by default, and its own verifying mode (Twisted's) fails with
a bare "certificate verify failed". An inspector needs to know *why* a browser would refuse the
site — expired, self-signed, unknown issuer, wrong host — because that is the finding
(链接不可用 / 站点无法访问: TLS/证书错误). This context factory verifies against the system's trust
store (plus `crawl.tls_ca_file`, for an intranet CA), checks the host name, and fails the
handshake with `TLSCertificateError("certificate has expired ...")`, which core.errors
classifies as `tls` with that message.

The verify callback is set on the SSL *context* (one per host, cached): pyOpenSSL re-raises an
exception from a context-level callback out of the handshake, but silently drops one from a
connection-level callback.

Settings: DOWNLOADER_CLIENTCONTEXTFACTORY = "crawler.tls.VerifyingContextFactory" (set by the
runner when `crawl.tls_verify` is on), GOVINSPECT_TLS_CA_FILE (extra PEM trust roots).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import warnings
from collections import OrderedDict
from typing import Any

from OpenSSL import SSL
from OpenSSL.crypto import X509
from twisted.internet.interfaces import IOpenSSLClientConnectionCreator
from twisted.internet.ssl import CertificateOptions
from twisted.web.iweb import IPolicyForHTTPS
from zope.interface import implementer

# OpenSSL's X509_V_ERR_* codes as a browser would put them
_REASONS = {
    SSL.X509VerificationCodes.ERR_CERT_HAS_EXPIRED: "certificate has expired",
    SSL.X509VerificationCodes.ERR_CERT_NOT_YET_VALID: "certificate is not yet valid",
    SSL.X509VerificationCodes.ERR_DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
    SSL.X509VerificationCodes.ERR_SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in the chain",
    SSL.X509VerificationCodes.ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "certificate issuer is not trusted (unknown CA or missing intermediate)",
    SSL.X509VerificationCodes.ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: "certificate chain is incomplete (cannot verify the first certificate)",
    SSL.X509VerificationCodes.ERR_CERT_REVOKED: "certificate has been revoked",
    SSL.X509VerificationCodes.ERR_CERT_UNTRUSTED: "certificate is not trusted",
    SSL.X509VerificationCodes.ERR_INVALID_CA: "an issuer in the chain is not a CA",
}
FACTORY = "crawler.tls.VerifyingContextFactory"
# Scrapy 2.19 deprecates DOWNLOADER_CLIENTCONTEXTFACTORY in favour of DOWNLOAD_VERIFY_CERTIFICATES,
# whose failures carry no reason. Ours is the only way to say *why* a certificate is refused, so
# the warning about it is silenced (imported by crawler.safety before the crawl starts).
warnings.filterwarnings("ignore", message=".*DOWNLOADER_CLIENTCONTEXTFACTORY.* is deprecated")
_NAMES = {v: k for k, v in vars(SSL.X509VerificationCodes).items() if k.startswith("ERR_")}
_CACHE = 256


class TLSCertificateError(SSL.Error):
    """The server's certificate would be refused by a browser; str() says why."""

    def __init__(self, reason: str) -> None:
        # shaped like OpenSSL's error queue: Twisted reads args[0][-1][2] of a handshake error
        super().__init__([("certificate verify", "", reason)])
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def _when(value: bytes | None) -> str:
    if not value:
        return "?"
    try:
        return dt.datetime.strptime(value.decode("ascii"), "%Y%m%d%H%M%SZ").strftime("%Y-%m-%d")
    except ValueError:
        return value.decode("ascii", "replace")


def _subject(cert: X509) -> str:
    cn = cert.get_subject().commonName
    return f"CN={cn}" if cn else "no CN"


def describe(errno: int, depth: int, cert: X509) -> str:
    reason = _REASONS.get(errno) or _NAMES.get(errno, f"verify error {errno}").removeprefix("ERR_").lower().replace("_", " ")
    where = "" if depth == 0 else f" (certificate {depth} of the chain)"
    if errno == SSL.X509VerificationCodes.ERR_CERT_HAS_EXPIRED:
        reason += f" on {_when(cert.get_notAfter())}"
    elif errno == SSL.X509VerificationCodes.ERR_CERT_NOT_YET_VALID:
        reason += f" until {_when(cert.get_notBefore())}"
    return f"{reason}{where} [{_subject(cert)}]"


def _host_id(hostname: str) -> Any:
    from service_identity.hazmat import DNS_ID, IPAddress_ID

    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return DNS_ID(hostname)
    return IPAddress_ID(hostname)


# A server that does not send its intermediate certificate: browsers fetch it from the leaf's AIA
# "CA Issuers" URL and show the site; so does an inspector's browser. Failing such a site would be a
# false 站点无法访问 veto, so a leaf that names where its issuer lives is given the benefit of the
# doubt (its dates and host name are still checked). A leaf of an unknown CA without AIA still fails.
_CHAIN_GAPS = {
    SSL.X509VerificationCodes.ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
    SSL.X509VerificationCodes.ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE,
}


def _names_its_issuer(cert: X509) -> bool:
    from cryptography import x509
    from cryptography.x509.oid import AuthorityInformationAccessOID

    try:
        aia = cert.to_cryptography().extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except (x509.ExtensionNotFound, ValueError):
        return False
    return any(d.access_method == AuthorityInformationAccessOID.CA_ISSUERS for d in aia)


def _verify_callback(hostname: str):  # type: ignore[no-untyped-def]
    def verify(conn: SSL.Connection, cert: X509, errno: int, depth: int, ok: int) -> bool:
        if not ok and not (depth == 0 and errno in _CHAIN_GAPS and _names_its_issuer(cert)):
            raise TLSCertificateError(describe(errno, depth, cert))
        if depth == 0:
            from service_identity.exceptions import VerificationError
            from service_identity.hazmat import verify_service_identity
            from service_identity.pyopenssl import extract_patterns

            try:
                verify_service_identity(extract_patterns(cert), [_host_id(hostname)], [])
            except VerificationError:
                raise TLSCertificateError(
                    f"certificate does not match the host name {hostname} [{_subject(cert)}]") from None
        return True

    return verify


class _Options(CertificateOptions):
    """CertificateOptions whose context verifies the chain (system store + extra CA file) and
    the host name with our callback."""

    def __init__(self, hostname: str, ca_file: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._hostname = hostname
        self._ca_file = ca_file

    def _makeContext(self, *args: Any, **kwargs: Any) -> SSL.Context:
        ctx = super()._makeContext(*args, **kwargs)
        ctx.set_options(0x4)  # OP_LEGACY_SERVER_CONNECT: old government servers (as Scrapy does)
        ctx.set_default_verify_paths()
        if self._ca_file:
            ctx.load_verify_locations(self._ca_file)
        ctx.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT, _verify_callback(self._hostname))
        return ctx


@implementer(IOpenSSLClientConnectionCreator)
class _Creator:
    """The TLS connection of one host."""

    def __init__(self, options: _Options, hostname: str) -> None:
        self._options = options
        self._sni: bytes | None = None
        try:
            ipaddress.ip_address(hostname)
        except ValueError:
            self._sni = hostname.encode("idna")

    def clientConnectionForTLS(self, tls_protocol: Any) -> SSL.Connection:  # noqa: N802 - Twisted's interface
        conn = SSL.Connection(self._options.getContext(), None)
        conn.set_app_data(tls_protocol)
        if self._sni:
            conn.set_tlsext_host_name(self._sni)
        return conn


@implementer(IPolicyForHTTPS)
class VerifyingContextFactory:
    """DOWNLOADER_CLIENTCONTEXTFACTORY: browser-like certificate checks with reasons (module doc).
    The runner sets it only when `crawl.tls_verify` is on; otherwise Scrapy's default (which
    accepts any certificate) stays."""

    def __init__(self, *, ca_file: str | None = None) -> None:
        self.ca_file = ca_file or None
        self._options: OrderedDict[str, _Options] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> VerifyingContextFactory:
        # Scrapy passes method=<TLS method>; the context negotiates the best version itself
        return cls(ca_file=crawler.settings.get("GOVINSPECT_TLS_CA_FILE"))

    def _options_for(self, hostname: str) -> _Options:
        opts = self._options.get(hostname)
        if opts is None:
            opts = _Options(hostname, self.ca_file, fixBrokenPeers=True)
            self._options[hostname] = opts
            while len(self._options) > _CACHE:
                self._options.popitem(last=False)
        else:
            self._options.move_to_end(hostname)
        return opts

    def creatorForNetloc(self, hostname: bytes, port: int) -> Any:  # noqa: N802 - Twisted's interface
        host = hostname.decode("ascii")
        return _Creator(self._options_for(host), host)
