using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ConnCheck.Protocol.Hosting;

/// <summary>
/// Mutual TLS on the Akka.Remote transport, read from <c>conn-check.tls</c> in HOCON. Akka's DotNetty
/// transport does the handshake and, with require-mutual-authentication, makes the accepting side ask
/// for a client certificate and drop a peer that sends none. Which certificates are good is decided
/// here (<see cref="PeerValidator"/>), on both sides of every connection: chained to the operator's
/// CA (not the system store) and/or pinned by fingerprint, optionally with an allowed subject.
/// </summary>
public sealed class TransportSecurity
{
    public const string Section = "conn-check.tls";

    private TransportSecurity(X509Certificate2 certificate, PeerValidator validator)
    {
        Certificate = certificate;
        Validator = validator;
    }

    /// <summary>This node's own certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public PeerValidator Validator { get; }

    /// <summary>
    /// The TLS settings of <paramref name="config"/>, or null when TLS is off. Throws
    /// <see cref="ConfigurationException"/> with a message for the operator when they are unusable.
    /// </summary>
    public static TransportSecurity? FromConfig(Config config)
    {
        var tls = config.GetConfig(Section);
        if (!IsEnabled(config))
        {
            if (config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl", false))
            {
                throw new ConfigurationException(
                    "akka.remote.dot-netty.tcp.enable-ssl is set but conn-check.tls.enabled is not: switch TLS on with conn-check.tls (see hocon/tls.example.hocon), which also decides which peers are trusted");
            }

            return null;
        }

        var certificatePath = Required(tls!, "certificate");
        var keyPath = Optional(tls!, "key");
        var password = Optional(tls!, "password");
        var certificate = LoadOwnCertificate(certificatePath, keyPath, password);

        var caPath = Optional(tls!, "ca");
        var pins = tls!.GetStringList("pinned-thumbprints", []).Select(NormalizeFingerprint).Where(p => p.Length > 0).ToArray();
        var subjects = tls.GetStringList("allowed-subjects", []).Where(s => !string.IsNullOrWhiteSpace(s)).ToArray();
        if (caPath is null && pins.Length == 0)
        {
            throw new ConfigurationException($"{Section}: set ca (the CA that issued the peers' certificates) or pinned-thumbprints, or both; without either, no peer could be trusted");
        }

        if (pins.FirstOrDefault(p => p.Length is not (40 or 64)) is { } bad)
        {
            throw new ConfigurationException($"{Section}.pinned-thumbprints: '{bad}' is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) fingerprint");
        }

        var roots = caPath is null ? null : LoadCa(caPath);
        return new TransportSecurity(certificate, new PeerValidator(roots, pins, subjects));
    }

    /// <summary>Whether <paramref name="config"/> switches TLS on (addresses are then akka.ssl.tcp://).</summary>
    public static bool IsEnabled(Config config) => config.GetBoolean(Section + ".enabled", false);

    /// <summary>
    /// The ActorSystem setup for <paramref name="config"/>: the config itself, plus the certificate and
    /// validator when TLS is on (the HOCON switch <c>enable-ssl</c> is then set for Akka).
    /// </summary>
    public static ActorSystemSetup Setup(Config config) =>
        FromConfig(config) is { } security ? security.SslSetup(config) : ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));

    /// <summary>Creates the ActorSystem, with TLS when the config asks for it.</summary>
    public static ActorSystem CreateSystem(string name, Config config) => CreateSystem(name, config, FromConfig(config));

    /// <summary>
    /// Creates the ActorSystem with <paramref name="security"/> (from <see cref="FromConfig"/>; null = TLS off).
    /// Without TLS it takes the Config overload: ActorSystem.Create(name, setup) reads app.config even when
    /// the setup holds a Config, which maps System.Configuration, System.Private.Xml and OpenSSL (~5 MiB
    /// of an idle agent's RSS, and 0.1-0.2 s of JIT at start) for nothing.
    /// </summary>
    public static ActorSystem CreateSystem(string name, Config config, TransportSecurity? security) =>
        security is null ? ActorSystem.Create(name, config) : CreateSecureSystem(name, config, security);

    // Apart, so that a TLS-off start never JIT-compiles (and so never loads) the TLS types.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ActorSystem CreateSecureSystem(string name, Config config, TransportSecurity security) =>
        ActorSystem.Create(name, security.SslSetup(config));

    private ActorSystemSetup SslSetup(Config config)
    {
        // The short transport heartbeat is what releases bytes DotNetty's TLS handler holds (see the shipped HOCON).
        var heartbeat = config.GetTimeSpan(Section + ".transport-heartbeat-interval", TimeSpan.FromMilliseconds(300));
        var withSsl = ConfigurationFactory.ParseString($"""
            akka.remote.dot-netty.tcp.enable-ssl = on
            akka.remote.transport-failure-detector.heartbeat-interval = {(long)heartbeat.TotalMilliseconds}ms
            """).WithFallback(config);
        var ssl = new DotNettySslSetup(
            Certificate,
            suppressValidation: false,
            requireMutualAuthentication: true,
            validateCertificateHostname: false,
            customValidator: Validator.Validate);
        return ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(withSsl), ssl);
    }

    private static X509Certificate2 LoadOwnCertificate(string path, string? keyPath, string? password)
    {
        try
        {
            X509Certificate2 loaded;
            if (keyPath is not null)
            {
                using var pem = password is null
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
                // Through PKCS#12 so that the key is a persisted one SslStream can serve with.
                loaded = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
            else
            {
                loaded = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            }

            if (!loaded.HasPrivateKey)
            {
                loaded.Dispose();
                throw new ConfigurationException($"{Section}.certificate {path}: no private key (give key = the PEM key file, or a PKCS#12 file that holds the key)");
            }

            if (PeerValidator.MissingTlsUsage(loaded) is { } usage)
            {
                loaded.Dispose();
                throw new ConfigurationException($"{Section}.certificate {path}: its extended key usage leaves out TLS {usage}, so peers would refuse it; every node is TLS client and server, issue it with extendedKeyUsage = serverAuth, clientAuth");
            }

            return loaded;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The password never goes into the message: only the file names and the library's words.
            throw new ConfigurationException($"{Section}: cannot load certificate {path}{(keyPath is null ? "" : $" with key {keyPath}")}: {Scrub(ex.Message, password)}");
        }
    }

    private static X509Certificate2Collection LoadCa(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{Section}.ca: cannot read {path}: {ex.Message}");
        }

        return roots.Count > 0 ? roots : throw new ConfigurationException($"{Section}.ca: {path} holds no PEM certificate");
    }

    private static string Required(Config tls, string key) =>
        Optional(tls, key) ?? throw new ConfigurationException($"{Section}.{key} is required when {Section}.enabled = on");

    private static string? Optional(Config tls, string key)
    {
        var value = tls.GetString(key, null);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string Scrub(string message, string? password) =>
        string.IsNullOrEmpty(password) ? message : message.Replace(password, "***", StringComparison.Ordinal);

    /// <summary>Accepts AB:CD:..., ab cd ..., and plain hex; returns upper-case hex.</summary>
    public static string NormalizeFingerprint(string text) =>
        new(text.Where(char.IsAsciiHexDigit).Select(char.ToUpperInvariant).ToArray());
}

/// <summary>
/// Decides whether a peer's certificate is trusted: it must be present and currently valid, chain to
/// one of the configured CA certificates (when a CA is configured; the system store is never used),
/// match a pinned SHA-1/SHA-256 fingerprint (when pins are configured), and have a subject that
/// matches one of the allowed patterns (when given). Host names are not compared: agents are reached
/// by address and carry per-node certificates.
/// </summary>
public sealed class PeerValidator(X509Certificate2Collection? roots, IReadOnlyCollection<string> pins, IReadOnlyList<string> subjects)
{
    private readonly Regex[] subjectPatterns = subjects
        .Select(s => new Regex("^" + Regex.Escape(s.Trim()).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        .ToArray();

    /// <summary>Why <paramref name="certificate"/> is refused, or null when it is trusted.</summary>
    public string? Problem(X509Certificate2? certificate, X509Chain? presented)
    {
        if (certificate is null)
        {
            return "the peer presented no certificate";
        }

        var now = DateTime.Now;
        if (now < certificate.NotBefore || now > certificate.NotAfter)
        {
            return $"certificate '{certificate.Subject}' is not valid now (valid {certificate.NotBefore:u} to {certificate.NotAfter:u})";
        }

        if (MissingTlsUsage(certificate) is { } usage)
        {
            return $"certificate '{certificate.Subject}' is not for TLS {usage} (its extended key usage)";
        }

        if (roots is not null && ChainProblem(certificate, presented) is { } chainProblem)
        {
            return $"certificate '{certificate.Subject}' (issuer '{certificate.Issuer}') is not trusted: {chainProblem}";
        }

        if (pins.Count > 0)
        {
            var sha1 = certificate.GetCertHashString(HashAlgorithmName.SHA1);
            var sha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            if (!pins.Contains(sha1, StringComparer.OrdinalIgnoreCase) && !pins.Contains(sha256, StringComparer.OrdinalIgnoreCase))
            {
                return $"certificate '{certificate.Subject}' (SHA-256 {sha256}) is not pinned";
            }
        }

        if (subjectPatterns.Length > 0 && !subjectPatterns.Any(p => p.IsMatch(certificate.Subject)))
        {
            return $"certificate subject '{certificate.Subject}' is not allowed";
        }

        return null;
    }

    /// <summary>
    /// Which TLS purposes a certificate's extended key usage leaves out, or null when it allows both.
    /// Every node is TLS client and server alike (agents dial each other, coordinators dial agents and
    /// may be dialled back), so a certificate that restricts its purposes must allow both; one without
    /// the extension is good for any purpose.
    /// </summary>
    public static string? MissingTlsUsage(X509Certificate2 certificate)
    {
        const string ServerAuth = "1.3.6.1.5.5.7.3.1", ClientAuth = "1.3.6.1.5.5.7.3.2", AnyUsage = "2.5.29.37.0";
        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } extension)
        {
            return null;
        }

        var usages = extension.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet(StringComparer.Ordinal);
        if (usages.Contains(AnyUsage))
        {
            return null;
        }

        var missing = new[] { (ServerAuth, "server authentication"), (ClientAuth, "client authentication") }
            .Where(u => !usages.Contains(u.Item1)).Select(u => u.Item2).ToArray();
        return missing.Length == 0 ? null : string.Join(" and ", missing);
    }

    /// <summary>The callback Akka's DotNetty transport calls during every handshake, as client and as server.</summary>
    public bool Validate(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter log)
    {
        var problem = Problem(certificate, chain);
        if (problem is null)
        {
            return true;
        }

        log.Warning("TLS: refused peer {0}: {1}", remotePeer, problem);
        return false;
    }

    private string? ChainProblem(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        // Intermediates the peer sent along may complete the chain; they are not trusted by themselves.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        var statuses = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToArray();
        return statuses.Length == 0 ? "chain does not lead to the configured CA" : string.Join(", ", statuses.Select(Words));
    }

    private static string Words(X509ChainStatusFlags status) => status switch
    {
        X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain => "not issued by the configured CA",
        X509ChainStatusFlags.NotTimeValid => "expired or not yet valid",
        X509ChainStatusFlags.NotSignatureValid => "bad signature",
        _ => status.ToString(),
    };
}
