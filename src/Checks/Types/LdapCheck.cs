using System.Net.Sockets;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

public sealed record LdapOptions(
    string? Url, [Kind(FieldKind.Host)] string? Host, [Kind(FieldKind.Port)] int? Port, bool? Tls, bool? Starttls,
    string? BindDn, [Secret] string? Password, string? BaseDn, string? Filter, bool? DisableTlsVerification) : CheckOptions;

/// <summary>
/// ldap: a simple bind (with <c>bind_dn</c> and <c>password</c>, else anonymous) over ldap://,
/// ldaps:// or StartTLS, TLS verified like the tls check; with <c>base_dn</c>, a search that must
/// find at least one entry. Speaks LDAPv3 itself (<see cref="LdapMessages"/>).
/// </summary>
public sealed class LdapCheck : CheckType<LdapOptions>
{
    private const int DefaultPort = 389;
    private const int DefaultTlsPort = 636;

    // Bind, StartTLS and search replies (attributes "1.1") are small; a hostile server gets no more.
    private const int MaxReply = 64 * 1024;
    private const int MaxReplies = 32;

    public override string Name => "ldap";

    public override bool UsesTls(LdapOptions options) => Implicit(options) || options.Starttls == true;

    public override FieldError? Validate(CheckFields fields)
    {
        if (fields.OptionalString("url") is { } url)
        {
            if (fields.Has("host") || fields.Has("port") || fields.Has("tls"))
            {
                return new FieldError(fields.Has("host") ? "host" : fields.Has("port") ? "port" : "tls", "ldap: set either 'url' or 'host' (with 'port' and 'tls'), not both");
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ldap" or "ldaps") || uri.Host.Length == 0)
            {
                return new FieldError("url", $"ldap 'url' must be ldap://host[:port] or ldaps://host[:port], not '{Failures.OneLine(url, 100)}'");
            }

            if (uri.UserInfo.Length > 0)
            {
                return new FieldError("url", "ldap 'url' takes no user info: use 'bind_dn' and 'password'");
            }

            if (uri.AbsolutePath.Length > 1 || uri.Query.Length > 0)
            {
                return new FieldError("url", "ldap 'url' takes no DN or search: use 'base_dn' and 'filter'");
            }
        }
        else if (!fields.Has("host"))
        {
            return new FieldError("type", "an ldap check needs a 'url' or a 'host'");
        }

        var options = Parse(fields);
        return Implicit(options) && options.Starttls == true ? new FieldError("starttls", "ldap 'starttls: true' is for ldap://; ldaps:// is TLS from the first byte")
            : fields.Has("password") && !fields.Has("bind_dn") ? new FieldError("password", "ldap 'password' needs a 'bind_dn'")
            : fields.Has("bind_dn") && !fields.Has("password") ? new FieldError("bind_dn", "ldap 'bind_dn' needs a 'password' (leave both out for an anonymous bind)")
            : fields.Has("filter") && !fields.Has("base_dn") ? new FieldError("filter", "ldap 'filter' needs a 'base_dn' to search")
            : fields.OptionalString("filter") is { } filter && LdapMessages.FilterError(filter) is { } error ? new FieldError("filter", error)
            : fields.Has("disable_tls_verification") && !UsesTls(options) ? new FieldError("disable_tls_verification", "ldap 'disable_tls_verification' applies only with ldaps or starttls")
            : null;
    }

    public override CheckTarget Describe(LdapOptions options)
    {
        var (host, port, tls) = Endpoint(options);
        return new CheckTarget($"{(tls ? "ldaps" : "ldap")}:{HostPort.Format(host, port)}", new Destination(host, port));
    }

    public override Task<CheckOutcome> RunAsync(LdapOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port, tls) = Endpoint(options);
        var verify = options.DisableTlsVerification != true;
        var reached = new Reached();
        var main = new CheckStep(options.BaseDn is not null ? "search" : "bind", ct => SessionAsync(options, host, port, tls, verify, reached, context, ct), IsMain: true);
        return tls
            ? Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), TlsProbe.Step(host, port, context, verify, reached), main)
            : Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), main);
    }

    private static bool Implicit(LdapOptions options) =>
        options.Url is { } url ? url.StartsWith("ldaps:", StringComparison.OrdinalIgnoreCase) : options.Tls == true;

    private static (string Host, int Port, bool Tls) Endpoint(LdapOptions options)
    {
        var tls = Implicit(options);
        if (options.Url is { } url)
        {
            var uri = new Uri(url);
            return (uri.Host, uri.IsDefaultPort || uri.Port < 0 ? (tls ? DefaultTlsPort : DefaultPort) : uri.Port, tls);
        }

        return (options.Host ?? "", options.Port ?? (tls ? DefaultTlsPort : DefaultPort), tls);
    }

    private static async Task<StepResult> SessionAsync(LdapOptions options, string host, int port, bool tls, bool verify, Reached reached, CheckContext context, CancellationToken cancellationToken)
    {
        Stream stream = new NetworkStream(await Net.ConnectTcpAsync(reached, host, port, cancellationToken).ConfigureAwait(false), ownsSocket: true);
        var session = new Session(stream);
        DateTimeOffset? notAfter = null;
        try
        {
            var secured = "plain";
            if (tls || options.Starttls == true)
            {
                if (!tls)
                {
                    var started = await session.ExchangeAsync(LdapMessages.ExtendedRequest(session.Next(), LdapMessages.StartTlsOid), LdapMessages.ExtendedResponseOp, cancellationToken).ConfigureAwait(false);
                    if (started.ResultCode != 0)
                    {
                        return StepResult.Fail($"StartTLS refused: {Result(started)}");
                    }
                }

                var (ssl, handshake) = await TlsProbe.AuthenticateAsync(session.Stream, host, context.Tls, verify, cancellationToken).ConfigureAwait(false);
                notAfter = handshake.CertificateNotAfter;
                if (ssl is null)
                {
                    session.Stream = Stream.Null;
                    return new StepResult(false, tls ? handshake.Message : $"StartTLS: {handshake.Message}", notAfter);
                }

                session.Stream = ssl;
                secured = tls ? "ldaps" : "StartTLS";
            }

            var bindDn = options.BindDn;
            var bound = await session.ExchangeAsync(LdapMessages.BindRequest(session.Next(), bindDn ?? "", options.Password ?? ""), LdapMessages.BindResponseOp, cancellationToken).ConfigureAwait(false);
            var who = bindDn is null ? "anonymous bind" : $"bind as \"{bindDn}\"";
            if (bound.ResultCode == 49)
            {
                return new StepResult(false, $"invalid credentials: {who} refused (LDAP 49 invalidCredentials{Diagnostic(bound)})", notAfter);
            }

            if (bound.ResultCode != 0)
            {
                return new StepResult(false, $"{who} refused: {Result(bound)}", notAfter);
            }

            var said = $"{secured}, {(bindDn is null ? "anonymous bind" : $"bound as \"{bindDn}\"")}";
            if (options.BaseDn is { } baseDn)
            {
                var (ok, found) = await SearchAsync(session, baseDn, options.Filter ?? "(objectClass=*)", context, cancellationToken).ConfigureAwait(false);
                if (!ok)
                {
                    return new StepResult(false, found, notAfter);
                }

                said += $", found \"{found}\"";
            }

            await session.UnbindAsync(cancellationToken).ConfigureAwait(false);
            return new StepResult(true, said, notAfter);
        }
        catch (LdapProtocolException ex)
        {
            return new StepResult(false, $"not an LDAP server: {ex.Message}", notAfter);
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return new StepResult(false, Service.NoReply("an LDAP server", context), notAfter);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return new StepResult(false, Service.Describe(ex), notAfter) { Failure = Failures.OfStep(ex) };
        }
        finally
        {
            await session.Stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<(bool Ok, string Text)> SearchAsync(Session session, string baseDn, string filter, CheckContext context, CancellationToken cancellationToken)
    {
        var id = session.Next();
        await session.SendAsync(LdapMessages.SearchRequest(id, baseDn, filter, Service.TimeoutSeconds(context, int.MaxValue)), cancellationToken).ConfigureAwait(false);
        string? entry = null;
        for (var replies = 0; replies < MaxReplies; replies++)
        {
            var reply = await session.ReceiveAsync(id, cancellationToken).ConfigureAwait(false);
            switch (reply.Op)
            {
                case LdapMessages.SearchResultEntryOp:
                    entry ??= reply.EntryDn;
                    break;
                case LdapMessages.SearchResultReferenceOp:
                    break;
                case LdapMessages.SearchResultDoneOp:
                    // sizeLimit is 1: a server with more matches says sizeLimitExceeded after the first.
                    return reply.ResultCode is 0 or 4 && entry is not null ? (true, entry)
                        : reply.ResultCode is 0 or 4 ? (false, $"search of \"{baseDn}\" with filter {filter} returned no entries")
                        : reply.ResultCode == 32 ? (false, $"no such object: base_dn \"{baseDn}\" does not exist (LDAP 32 noSuchObject{(reply.MatchedDn.Length > 0 ? $"; the server has \"{reply.MatchedDn}\"" : "")})")
                        : (false, $"search of \"{baseDn}\" failed: {Result(reply)}");
                default:
                    throw new LdapProtocolException($"a search reply with protocol op {reply.Op}");
            }
        }

        throw new LdapProtocolException($"more than {MaxReplies} replies to a search for one entry");
    }

    private static string Result(LdapReply reply) => $"LDAP {LdapMessages.ResultName(reply.ResultCode)}{Diagnostic(reply)}";

    private static string Diagnostic(LdapReply reply) =>
        reply.Diagnostic.Length > 0 ? $": {Failures.OneLine(reply.Diagnostic, 200)}" : "";

    /// <summary>One LDAP connection: numbered requests, and replies read with a size bound.</summary>
    private sealed class Session(Stream stream)
    {
        private readonly byte[] buffer = new byte[MaxReply];
        private int buffered;
        // Message IDs start at 10, so the first request carries a 0x0A (LF) byte: a line-based server
        // (HTTP) then answers a bad request line instead of waiting for the rest of one.
        private const int FirstId = 10;
        private int lastId = FirstId - 1;

        public Stream Stream { get; set; } = stream;

        public int Next() => ++lastId;

        public async Task SendAsync(byte[] request, CancellationToken cancellationToken)
        {
            await Stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task<LdapReply> ExchangeAsync(byte[] request, int expectedOp, CancellationToken cancellationToken)
        {
            await SendAsync(request, cancellationToken).ConfigureAwait(false);
            var reply = await ReceiveAsync(lastId, cancellationToken).ConfigureAwait(false);
            return reply.Op == expectedOp ? reply : throw new LdapProtocolException($"a reply with protocol op {reply.Op}, expected {expectedOp}");
        }

        public async Task<LdapReply> ReceiveAsync(int messageId, CancellationToken cancellationToken)
        {
            while (true)
            {
                var reply = LdapMessages.Parse(await ReadMessageAsync(cancellationToken).ConfigureAwait(false));
                if (reply.MessageId == messageId)
                {
                    return reply;
                }

                if (reply.MessageId == 0 && reply.ResponseName == LdapMessages.NoticeOfDisconnectionOid)
                {
                    throw new IOException($"the server closed the session: {Result(reply)}");
                }

                throw new LdapProtocolException($"a reply to message {reply.MessageId}, expected {messageId}");
            }
        }

        public async Task UnbindAsync(CancellationToken cancellationToken) =>
            await SendAsync(LdapMessages.UnbindRequest(Next()), cancellationToken).ConfigureAwait(false);

        private async Task<ReadOnlyMemory<byte>> ReadMessageAsync(CancellationToken cancellationToken)
        {
            int? length;
            while ((length = Frame()) is null || buffered < length)
            {
                var n = await Stream.ReadAsync(buffer.AsMemory(buffered), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw buffered == 0 && lastId == FirstId
                        ? new LdapProtocolException("the connection was closed without a reply")
                        : buffered > 0 && Frame() is null ? new LdapProtocolException($"unexpected reply {Service.Quote(buffer.AsSpan(0, buffered))}")
                        : new EndOfStreamException();
                }

                buffered += n;
            }

            var message = buffer.AsSpan(0, length.Value).ToArray();
            buffer.AsSpan(length.Value, buffered - length.Value).CopyTo(buffer);
            buffered -= length.Value;
            return message;
        }

        private int? Frame()
        {
            try
            {
                return LdapMessages.MessageLength(buffer.AsSpan(0, buffered), MaxReply);
            }
            catch (LdapProtocolException ex) when (buffered > 0 && buffer[0] != 0x30)
            {
                throw new LdapProtocolException($"unexpected reply {Service.Quote(buffer.AsSpan(0, buffered))}", ex);
            }
        }
    }
}
