using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// The TLS handshake every TLS-bearing check performs (tls, https, amqp and smtp with TLS), and the
/// words its failures are reported in.
/// </summary>
public static class TlsProbe
{
    /// <summary>
    /// A tls:host:port step: connect (to the address the tcp sub-check reached, when given), handshake
    /// with SNI, validate against the host name, close.
    /// </summary>
    public static CheckStep Step(string host, int port, CheckContext context, bool verify, Reached? reached = null) =>
        new($"tls:{HostPort.Format(host, port)}", ct => HandshakeAsync(host, port, reached ?? new Reached(), context.Tls, verify, ct));

    public static async Task<StepResult> HandshakeAsync(string host, int port, Reached reached, TlsSettings settings, bool verify, CancellationToken cancellationToken)
    {
        var socket = await Net.ConnectTcpAsync(reached, host, port, cancellationToken).ConfigureAwait(false);
        var (stream, result) = await AuthenticateAsync(new NetworkStream(socket, ownsSocket: true), host, settings, verify, cancellationToken).ConfigureAwait(false);
        if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Runs the client handshake over <paramref name="transport"/> (which it takes over). On success the
    /// caller owns the returned stream; on failure the stream is null and the transport is disposed.
    /// </summary>
    public static async Task<(SslStream? Stream, StepResult Result)> AuthenticateAsync(Stream transport, string host, TlsSettings settings, bool verify, CancellationToken cancellationToken)
    {
        var observed = new ObservingStream(transport);
        var validator = new TlsValidator(host, settings, verify);
        var ssl = new SslStream(observed, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(validator.ClientOptions(), cancellationToken).ConfigureAwait(false);
            return (ssl, new StepResult(true, null, validator.NotAfter));
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            return (null, new StepResult(false, Describe(ex, validator, observed), validator.NotAfter));
        }
    }

    /// <summary>Why a handshake failed, in the words the tls check reports.</summary>
    /// <param name="observed">The transport as seen below TLS, when the caller has it: tells "not TLS" apart.</param>
    public static string Describe(Exception exception, TlsValidator validator, ObservingStream? observed = null)
    {
        if (validator.Failure is { } rejected)
        {
            return rejected;
        }

        var timedOut = Failures.Classify(exception) == TransportFailure.TimedOut;
        if (observed is not null)
        {
            if (observed.BytesRead == 0)
            {
                return timedOut
                    ? "not TLS: the server did not answer the handshake (no reply before the timeout)"
                    : "not TLS: the server did not answer the handshake (it closed the connection)";
            }

            // Every TLS record from a server starts with a handshake (22) or alert (21) content type.
            if (observed.FirstBytes[0] is not (22 or 21))
            {
                return $"not TLS: the server did not answer the handshake (it sent \"{FarEndText.Printable(observed.FirstBytes)}\")";
            }
        }

        if (timedOut)
        {
            return "TLS handshake timed out";
        }

        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return $"TLS handshake failed: {Failures.OneLine(innermost.Message, 200)}";
    }
}

/// <summary>
/// Validates the certificate a server presents: chain to the system roots or to the extra roots of
/// --tls-certs-path, validity dates, and the host name. Remembers why it refused and the expiry it saw.
/// One instance per connection attempt (or per HttpClient); not shared between checks.
/// </summary>
public sealed class TlsValidator(string host, TlsSettings settings, bool verify)
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>Why the certificate was refused, or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Expiry of the leaf certificate the server presented, when it presented one.</summary>
    public DateTimeOffset? NotAfter { get; private set; }

    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        // SslStream sends SNI for names and leaves it out for IP literals, as RFC 6066 asks.
        TargetHost = HostPort.Bare(host),
        RemoteCertificateValidationCallback = Validate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Failure = verify ? "the server presented no certificate" : null;
            return !verify;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        NotAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (!verify)
        {
            return true;
        }

        var presented = chain?.ChainElements.Select(e => e.Certificate).Skip(1).ToArray() ?? [];
        Failure = ChainProblem(leaf, presented) ?? NameProblem(leaf);
        return Failure is null;
    }

    private string? ChainProblem(X509Certificate2 leaf, X509Certificate2[] presented)
    {
        using var system = Build(leaf, presented, customRoots: false);
        if (system.Ok)
        {
            return null;
        }

        var best = system;
        using var custom = settings.ExtraRoots.Count > 0 ? Build(leaf, presented, customRoots: true) : null;
        if (custom is not null)
        {
            if (custom.Ok)
            {
                return null;
            }

            // The private CA's view of the chain explains more when it reaches one of its roots.
            if (!custom.Flags.HasFlag(X509ChainStatusFlags.PartialChain) && !custom.Flags.HasFlag(X509ChainStatusFlags.UntrustedRoot))
            {
                best = custom;
            }
        }

        var untrusted = Untrusted(leaf, best);
        var expired = Expired(best);
        return (expired, untrusted) switch
        {
            (null, null) => $"certificate untrusted ({Failures.OneLine(string.Join("; ", best.Chain.ChainStatus.Select(s => s.StatusInformation.Trim())), 200)})",
            (null, _) => $"certificate untrusted ({untrusted})",
            (_, null) => expired,
            _ => $"{expired}, and untrusted ({untrusted})",
        };
    }

    private static string? Expired(ChainBuild build)
    {
        var now = DateTime.Now;
        foreach (var element in build.Chain.ChainElements)
        {
            var cert = element.Certificate;
            if (!element.ChainElementStatus.Any(s => s.Status.HasFlag(X509ChainStatusFlags.NotTimeValid)))
            {
                continue;
            }

            var which = ReferenceEquals(element, build.Chain.ChainElements[0]) ? "certificate" : $"issuer certificate {cert.Subject}";
            return cert.NotBefore > now
                ? $"{which} not valid before {Day(cert.NotBefore)}"
                : $"{which} expired on {Day(cert.NotAfter)}";
        }

        return null;
    }

    private static string? Untrusted(X509Certificate2 leaf, ChainBuild build)
    {
        var flags = build.Flags & ~X509ChainStatusFlags.NotTimeValid & ~X509ChainStatusFlags.NotTimeNested;
        if (flags == X509ChainStatusFlags.NoError)
        {
            return null;
        }

        if (flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain))
        {
            if (leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData) && build.Chain.ChainElements.Count == 1)
            {
                return "self-signed";
            }

            var top = build.Chain.ChainElements[^1].Certificate;
            return flags.HasFlag(X509ChainStatusFlags.PartialChain)
                ? $"unknown issuer {top.Issuer}"
                : $"root {top.Subject} is not trusted";
        }

        if (flags.HasFlag(X509ChainStatusFlags.NotValidForUsage))
        {
            return "not valid for server authentication";
        }

        return Failures.OneLine(string.Join("; ", build.Chain.ChainStatus.Where(s => (s.Status & flags) != 0).Select(s => s.StatusInformation.Trim())), 200);
    }

    private string? NameProblem(X509Certificate2 leaf)
    {
        var name = HostPort.Bare(host);
        if (leaf.MatchesHostname(name))
        {
            return null;
        }

        var cn = leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        var alternatives = new List<string>();
        if (leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault() is { } san)
        {
            alternatives.AddRange(san.EnumerateDnsNames());
            alternatives.AddRange(san.EnumerateIPAddresses().Select(a => a.ToString()));
        }

        var holder = string.IsNullOrEmpty(cn) ? leaf.Subject : $"CN={cn}";
        if (alternatives.Count > 0 && !(alternatives.Count == 1 && alternatives[0] == cn))
        {
            holder += $" ({string.Join(", ", alternatives.Take(5))}{(alternatives.Count > 5 ? ", ..." : "")})";
        }

        return Failures.OneLine($"certificate is for {holder}, not {name}", 300);
    }

    private ChainBuild Build(X509Certificate2 leaf, X509Certificate2[] presented, bool customRoots)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ServerAuthentication));
        chain.ChainPolicy.ExtraStore.AddRange(presented);
        if (customRoots)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(settings.ExtraRoots);
        }

        var ok = chain.Build(leaf);
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        return new ChainBuild(chain, ok, flags);
    }

    private static string Day(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed class ChainBuild(X509Chain chain, bool ok, X509ChainStatusFlags flags) : IDisposable
    {
        public X509Chain Chain { get; } = chain;

        public bool Ok { get; } = ok;

        public X509ChainStatusFlags Flags { get; } = flags;

        public void Dispose() => Chain.Dispose();
    }
}

/// <summary>
/// A pass-through stream that remembers the first bytes the far end sent, so a failed handshake can
/// tell "not TLS at all" from "TLS that went wrong".
/// </summary>
public sealed class ObservingStream(Stream inner) : Stream
{
    private readonly byte[] first = new byte[32];
    private long bytesRead;

    public long BytesRead => Interlocked.Read(ref bytesRead);

    public ReadOnlySpan<byte> FirstBytes => first.AsSpan(0, (int)Math.Min(BytesRead, first.Length));

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Record(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Record(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    private int Record(ReadOnlySpan<byte> data)
    {
        var seen = BytesRead;
        if (seen < first.Length)
        {
            data[..(int)Math.Min(data.Length, first.Length - seen)].CopyTo(first.AsSpan((int)seen));
        }

        Interlocked.Add(ref bytesRead, data.Length);
        return data.Length;
    }
}
