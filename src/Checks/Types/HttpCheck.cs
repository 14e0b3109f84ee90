using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

public sealed record HttpOptions(
    [Required, Kind(FieldKind.Url)] string Url, string? Method, int? ExpectedCode, IReadOnlyList<KeyValuePair<string, string>> Headers,
    TextOrForm? Body, IReadOnlyList<KeyValuePair<string, string>> Params, IReadOnlyList<KeyValuePair<string, string>> Cookies,
    [Secret] Credentials? Auth, [Secret] Credentials? DigestAuth, [Kind(FieldKind.Url)] string? ProxyUrl, [Kind(FieldKind.Host)] string? ProxyHost,
    [Kind(FieldKind.Port)] int? ProxyPort, bool? AllowRedirects, bool? DisableTlsVerification) : CheckOptions
{
    // Beyond auth and digest_auth: credentials in headers, cookies and URLs.
    public override IEnumerable<string> SecretValues() =>
        [
            .. Redaction.OfHeaders(Headers), .. Redaction.OfHeaders(Cookies, all: true), .. Redaction.OfUrl(Url), .. Redaction.OfUrl(ProxyUrl),
        ];
}

/// <summary>http (alias https): a request to the URL answers with the expected status code.</summary>
public sealed partial class HttpCheck : CheckType<HttpOptions>
{
    private const int MaxRedirects = 10;
    private const int DefaultProxyPort = 8000;

    public override string Name => "http";

    public override IReadOnlyList<string> Aliases { get; } = ["https"];

    public override bool UsesTls(HttpOptions options) => options.Url.StartsWith("https:", StringComparison.OrdinalIgnoreCase);

    public override FieldError? Validate(CheckFields fields)
    {
        if (fields.Has("proxy_url") && fields.Has("proxy_host"))
        {
            return new FieldError("proxy_host", "set either proxy_url or proxy_host (with proxy_port), not both");
        }

        if (fields.Has("proxy_port") && !fields.Has("proxy_host"))
        {
            return new FieldError("proxy_port", "proxy_port needs proxy_host");
        }

        if (fields.OptionalString("proxy_host") is { } proxyHost && proxyHost.StartsWith('/'))
        {
            return new FieldError("proxy_host", "proxy_host must be a host name or address, not a path");
        }

        if (fields.Has("auth") && fields.Has("digest_auth"))
        {
            return new FieldError("digest_auth", "set either auth (basic) or digest_auth, not both");
        }

        if (fields.OptionalString("method") is { } method && (method.Length == 0 || !method.All(IsTokenChar)))
        {
            return new FieldError("method", "'method' must be an HTTP method such as GET, HEAD or POST");
        }

        if (fields.Has("expected_code") && fields.Int("expected_code", 0) is < 100 or > 599)
        {
            return new FieldError("expected_code", "'expected_code' must be an HTTP status code between 100 and 599");
        }

        foreach (var (name, value) in fields.StringMap("headers"))
        {
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                return new FieldError("headers", $"'{Failures.OneLine(name, 60)}' is not a valid HTTP header name");
            }

            if (value.Any(c => c is '\r' or '\n' or '\0'))
            {
                return new FieldError("headers", $"the value of header '{name}' must be on one line");
            }
        }

        foreach (var (name, value) in fields.StringMap("cookies"))
        {
            if (name.Length == 0 || !name.All(IsTokenChar) || value.Any(c => char.IsControl(c) || c is ';' or ','))
            {
                return new FieldError("cookies", $"cookie '{Failures.OneLine(name, 60)}' has a name or value that cannot be sent in a Cookie header");
            }
        }

        return null;
    }

    public override CheckTarget Describe(HttpOptions options)
    {
        var url = new Uri(options.Url);
        var (host, port) = ProxyEndpoint(options) ?? (url.DnsSafeHost, url.Port);
        return new CheckTarget($"http:{WithoutUserInfo(options.Url)}", new Destination(host, port));
    }

    // The original named the request step '' under the prefix http:URL, so 'http:URL:' selects it.
    public override IReadOnlyList<string> OriginalStepNames(HttpOptions options)
    {
        var url = new Uri(options.Url);
        var (host, port) = options.ProxyHost is { } proxy ? (proxy, options.ProxyPort ?? DefaultProxyPort) : (url.Host, url.Port);
        return OriginalNames.Prefixed(Describe(options).Name, $"tcp:{host}:{port}", "");
    }

    public override async Task<CheckOutcome> RunAsync(HttpOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var target = Describe(options);
        var url = new Uri(options.Url);
        if (ProxyEndpoint(options) is not null && context.Allowlist is { } allowlist
            && await allowlist.RefusalAsync(new Destination(url.DnsSafeHost, url.Port), cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return Allowlist.Refused(Name, refusal);
        }

        var request = new HttpRun(options, context);
        return await Steps.RunAsync(
            cancellationToken,
            Net.TcpStep(target.Destination.Host, target.Destination.Port),
            new CheckStep(target.Name, request.RunAsync, IsMain: true)).ConfigureAwait(false);
    }

    /// <summary>The URL as written, without any user:password part, for names and messages.</summary>
    public static string WithoutUserInfo(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return url;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        return at < 0 ? url : url[..authorityStart] + url[(at + 1)..];
    }

    private static (string Host, int Port)? ProxyEndpoint(HttpOptions options)
    {
        if (options.ProxyUrl is { } proxyUrl)
        {
            var proxy = new Uri(proxyUrl);
            return (proxy.DnsSafeHost, proxy.Port);
        }

        return options.ProxyHost is { } host ? (host, options.ProxyPort ?? DefaultProxyPort) : null;
    }

    private static readonly string UserAgent = "conn-check/" + (typeof(HttpCheck).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0");

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}
