using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

public sealed partial class HttpCheck
{
    /// <summary>One run of one http check: its own HttpClient, disposed with the run.</summary>
    private sealed class HttpRun(HttpOptions options, CheckContext context)
    {
        private readonly Uri start = WithQuery(new Uri(options.Url), options.Params);
        private readonly bool verify = options.DisableTlsVerification != true;
        private readonly bool viaProxy = ProxyEndpoint(options) is not null;

        // Per hop: the validator for the host being connected to, and the transport below TLS.
        private TlsValidator? validator;
        private ObservingStream? observed;

        public async Task<StepResult> RunAsync(CancellationToken cancellationToken)
        {
            using var handler = CreateHandler();
            using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            var expected = options.ExpectedCode ?? 200;
            var method = new HttpMethod((options.Method ?? "GET").ToUpperInvariant());
            var body = options.Body?.Text ?? (options.Body?.Form is { } form ? FormBody(form) : null);
            var allowRedirects = options.AllowRedirects == true;
            var visited = new List<Uri> { start };
            DateTimeOffset? notAfter = null;

            var uri = start;
            try
            {
                for (var hop = 0; ; hop++)
                {
                    validator = new TlsValidator(uri.DnsSafeHost, context.Tls, verify);
                    observed = null;
                    using var request = BuildRequest(method, uri, body);
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                    notAfter ??= validator.NotAfter;
                    var status = (int)response.StatusCode;
                    var location = response.Headers.Location;
                    if (!allowRedirects || status is < 300 or > 399 || location is null)
                    {
                        return status == expected
                            ? new StepResult(true, null, notAfter)
                            : new StepResult(false, Unexpected(status, expected, location, uri), notAfter);
                    }

                    var next = new Uri(uri, location);
                    if (next.Scheme is not ("http" or "https"))
                    {
                        return new StepResult(false, $"redirect to an unsupported URL scheme '{Failures.OneLine(next.Scheme, 20)}'", notAfter);
                    }

                    if (visited.Contains(next))
                    {
                        visited.Add(next);
                        return new StepResult(false, $"redirect loop: {Failures.OneLine(string.Join(" -> ", visited.Select(Show)), 300)}", notAfter);
                    }

                    if (hop >= MaxRedirects)
                    {
                        return new StepResult(false, $"too many redirects (more than {MaxRedirects}), last to {Failures.OneLine(Show(next), 200)}", notAfter);
                    }

                    visited.Add(next);
                    if (context.Allowlist is { } allowlist
                        && await allowlist.RefusalAsync(new Destination(next.DnsSafeHost, next.Port), cancellationToken).ConfigureAwait(false) is { } refusal)
                    {
                        return new StepResult(false, $"redirect to {Failures.OneLine(Show(next), 200)} {refusal}", notAfter);
                    }

                    // As browsers and the original's requests library do: 303, and 301/302 after a POST, become GET.
                    if (status == 303 && method != HttpMethod.Head || status is 301 or 302 && method == HttpMethod.Post)
                    {
                        method = HttpMethod.Get;
                        body = null;
                    }

                    uri = next;
                }
            }
            catch (HttpRequestException ex)
            {
                return new StepResult(false, Describe(ex, uri), notAfter ?? validator?.NotAfter) { Failure = Failures.OfStep(ex) };
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && HandshakePending(uri))
            {
                return new StepResult(false, TlsProbe.Describe(new TimeoutException(), validator!, observed), null);
            }
        }

        private SocketsHttpHandler CreateHandler()
        {
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = context.Timeout,
                PooledConnectionLifetime = context.Timeout,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(1),
                MaxResponseHeadersLength = 64,
                MaxResponseDrainSize = 64 * 1024,
                ResponseDrainTimeout = TimeSpan.FromSeconds(1),
                UseProxy = false,
                SslOptions = new SslClientAuthenticationOptions
                {
                    // The handler sets the target host per connection; the validator of the current hop checks it.
                    RemoteCertificateValidationCallback = (sender, certificate, chain, errors) => validator!.Validate(sender, certificate, chain, errors),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                },
                ConnectCallback = ConnectAsync,
            };

            if (Proxy() is { } proxy)
            {
                handler.UseProxy = true;
                handler.Proxy = proxy;
            }

            if (options.DigestAuth is { } digest)
            {
                // Only the Digest scheme, only for the URL's own origin: a server offering Basic never sees the password.
                handler.Credentials = new CredentialCache
                {
                    { new Uri(start.GetLeftPart(UriPartial.Authority)), "Digest", new NetworkCredential(digest.User, digest.Password) },
                };
                handler.PreAuthenticate = false;
            }

            return handler;
        }

        private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext connection, CancellationToken cancellationToken)
        {
            var socket = await Net.ConnectTcpAsync(connection.DnsEndPoint.Host, connection.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            var stream = new ObservingStream(new NetworkStream(socket, ownsSocket: true));
            observed = stream;
            return stream;
        }

        private WebProxy? Proxy()
        {
            if (options.ProxyUrl is { } proxyUrl)
            {
                var uri = new Uri(proxyUrl);
                var proxy = new WebProxy(new Uri(WithoutUserInfo(proxyUrl)));
                if (uri.UserInfo.Split(':', 2) is [var user, var password])
                {
                    proxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password));
                }

                return proxy;
            }

            return options.ProxyHost is { } host
                ? new WebProxy(new UriBuilder("http", host, options.ProxyPort ?? DefaultProxyPort).Uri)
                : null;
        }

        private HttpRequestMessage BuildRequest(HttpMethod method, Uri uri, string? body)
        {
            var request = new HttpRequestMessage(method, uri) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
            if (body is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                if (options.Body?.Form is not null)
                {
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
                }
            }

            // A User-Agent in 'headers' replaces this one.
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);

            foreach (var (name, value) in options.Headers)
            {
                if (name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Remove("User-Agent");
                }

                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content?.Headers.TryAddWithoutValidation(name, value);
                }
            }

            var cookies = options.Cookies;
            if (cookies.Count > 0)
            {
                request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
            }

            // Basic credentials go only to the origin they were configured for, never along a redirect elsewhere.
            if (BasicCredentials() is { } basic && Uri.Compare(uri, start, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.User}:{basic.Password}"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", token);
            }

            return request;
        }

        private (string User, string Password)? BasicCredentials()
        {
            if (options.Auth is { } auth)
            {
                return (auth.User, auth.Password);
            }

            // Like requests, user:password in the URL means basic auth, unless digest_auth is set.
            return options.DigestAuth is null && start.UserInfo.Split(':', 2) is [var user, var password]
                ? (Uri.UnescapeDataString(user), Uri.UnescapeDataString(password))
                : null;
        }

        private bool HandshakePending(Uri uri) =>
            uri.Scheme == Uri.UriSchemeHttps && !viaProxy && observed is not null && validator?.NotAfter is null;

        private string Describe(HttpRequestException exception, Uri uri) => exception.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError => TlsProbe.Describe(exception, validator!, viaProxy ? null : observed),
            HttpRequestError.ProxyTunnelError => $"proxy error: {Failures.OneLine(exception.Message, 200)}",
            HttpRequestError.ResponseEnded => "the server closed the connection without sending a response",
            HttpRequestError.InvalidResponse when !viaProxy && uri.Scheme == Uri.UriSchemeHttp && observed is { BytesRead: > 0 } seen =>
                $"not HTTP: the server sent \"{FarEndText.Printable(seen.FirstBytes)}\"",
            HttpRequestError.InvalidResponse => $"invalid HTTP response: {Failures.OneLine(exception.Message, 200)}",
            HttpRequestError.ConfigurationLimitExceeded => "the response headers are larger than 64 KiB",
            _ => Failures.Describe(exception),
        };

        private string Unexpected(int status, int expected, Uri? location, Uri uri)
        {
            var text = $"unexpected status {status} (expected {expected})";
            return location is null ? text : $"{text}, redirect to {Failures.OneLine(Show(new Uri(uri, location)), 200)}";
        }

        // Same-origin URLs by path only; any user:password is left out.
        private string Show(Uri uri) =>
            Uri.Compare(uri, start, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
                ? uri.PathAndQuery
                : uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped);

        private static string? FormBody(IReadOnlyList<KeyValuePair<string, string>> form) => form.Count == 0 ? null : FormEncode(form);

        // application/x-www-form-urlencoded, as python requests encodes params and dict bodies: space as '+'.
        private static string FormEncode(IReadOnlyList<KeyValuePair<string, string>> pairs) =>
            string.Join('&', pairs.Select(p => $"{FormEscape(p.Key)}={FormEscape(p.Value)}"));

        private static string FormEscape(string text) => Uri.EscapeDataString(text).Replace("%20", "+", StringComparison.Ordinal);

        private static Uri WithQuery(Uri uri, IReadOnlyList<KeyValuePair<string, string>> parameters)
        {
            if (parameters.Count == 0)
            {
                return uri;
            }

            var added = FormEncode(parameters);
            var query = uri.Query.TrimStart('?');
            return new UriBuilder(uri) { Query = query.Length == 0 ? added : $"{query}&{added}" }.Uri;
        }
    }
}
