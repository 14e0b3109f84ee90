using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

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
