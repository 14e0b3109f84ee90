using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace ConnCheck.Tests.Support;

/// <summary>A server certificate made by <see cref="TestCertificates"/>, with its private key.</summary>
public sealed record ServerCertificate(string Name, string CertificatePath, string KeyPath, X509Certificate2 Certificate)
{
    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
}

/// <summary>
/// A private CA and server certificates made with the real openssl CLI in a temp directory: valid for
/// 127.0.0.1/localhost, expired, for the wrong host, self-signed, and expiring in 5 and 40 days.
/// Use as a class or collection fixture; <see cref="CaDirectory"/> is what --tls-certs-path takes.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    // openssl makes the CA and its leaves in about a second of CPU: one set serves the whole test run.
    private static readonly Lazy<TestCertificates> SharedSet = new(() =>
    {
        var set = new TestCertificates();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => set.Delete();
        return set;
    });

    private readonly Lock issuing = new();

    public const string CaName = "ConnCheck Test CA";

    /// <summary>The fixed expiry of <see cref="Expired"/>.</summary>
    public static readonly DateTimeOffset ExpiredOn = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string caKey;
    private readonly string leafKey;
    private readonly string config;
    private int serial;

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("conncheck-certs-").FullName;
        CaDirectory = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "ca")).FullName;
        caKey = Path.Combine(Directory, "ca.key");
        leafKey = Path.Combine(Directory, "leaf.key");
        config = Path.Combine(Directory, "openssl.cnf");
        CaCertificatePath = Path.Combine(CaDirectory, "ca.pem");

        File.WriteAllText(config, $"""
            [ req ]
            distinguished_name = dn
            prompt = no
            [ dn ]
            CN = unused
            [ ca ]
            default_ca = testca
            [ testca ]
            database = {Path.Combine(Directory, "index.txt")}
            new_certs_dir = {Directory}
            serial = {Path.Combine(Directory, "serial")}
            default_md = sha256
            policy = any
            unique_subject = no
            copy_extensions = none
            [ any ]
            commonName = supplied
            [ v3_ca ]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            [ v3_self ]
            basicConstraints = CA:FALSE
            extendedKeyUsage = serverAuth
            subjectAltName = IP:127.0.0.1, DNS:localhost
            [ v3_selfnode ]
            basicConstraints = CA:FALSE
            extendedKeyUsage = serverAuth, clientAuth
            """);
        File.WriteAllText(Path.Combine(Directory, "index.txt"), "");
        File.WriteAllText(Path.Combine(Directory, "serial"), "1000\n");

        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", caKey);
        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", leafKey);
        OpenSsl("req", "-x509", "-new", "-config", config, "-key", caKey, "-subj", $"/CN={CaName}", "-days", "3650", "-extensions", "v3_ca", "-out", CaCertificatePath);
        Ca = X509CertificateLoader.LoadCertificateFromFile(CaCertificatePath);

        var now = DateTimeOffset.UtcNow;
        const string loopback = "IP:127.0.0.1, DNS:localhost";
        Valid = Issue("valid", "127.0.0.1", loopback, now.AddDays(-1), now.AddDays(365));
        Expired = Issue("expired", "127.0.0.1", loopback, ExpiredOn.AddYears(-1), ExpiredOn);
        WrongHost = Issue("wrong-host", "other.example", "DNS:other.example", now.AddDays(-1), now.AddDays(365));
        Expiring5Days = Issue("expiring-5d", "127.0.0.1", loopback, now.AddDays(-1), now.AddDays(5));
        Expiring40Days = Issue("expiring-40d", "127.0.0.1", loopback, now.AddDays(-1), now.AddDays(40));

        var selfSigned = Path.Combine(Directory, "self-signed.pem");
        OpenSsl("req", "-x509", "-new", "-config", config, "-key", leafKey, "-subj", "/CN=127.0.0.1", "-days", "30", "-extensions", "v3_self", "-out", selfSigned);
        SelfSigned = Load("self-signed", selfSigned);
    }

    /// <summary>
    /// The one CA (and leaf set) of this test run, made on first use and deleted when the run ends:
    /// fixtures that need "a CA" share it instead of each running openssl; do not dispose it.
    /// A test that needs a second, distinct CA makes one with <c>new TestCertificates()</c>.
    /// </summary>
    public static TestCertificates Shared => SharedSet.Value;

    /// <summary>The temp directory holding every file.</summary>
    public string Directory { get; }

    /// <summary>A directory with only the CA certificate: the argument of --tls-certs-path.</summary>
    public string CaDirectory { get; }

    public string CaCertificatePath { get; }

    public X509Certificate2 Ca { get; }

    /// <summary>Issued by the CA for 127.0.0.1 and localhost, valid for a year.</summary>
    public ServerCertificate Valid { get; }

    /// <summary>Issued by the CA for 127.0.0.1 and localhost, expired on <see cref="ExpiredOn"/>.</summary>
    public ServerCertificate Expired { get; }

    /// <summary>Issued by the CA for CN=other.example only.</summary>
    public ServerCertificate WrongHost { get; }

    /// <summary>Self-signed for 127.0.0.1 and localhost (not issued by the CA).</summary>
    public ServerCertificate SelfSigned { get; }

    public ServerCertificate Expiring5Days { get; }

    public ServerCertificate Expiring40Days { get; }

    /// <summary>Issues another certificate from the CA, e.g. <c>Issue("db", "db.test", "DNS:db.test", ...)</c>.</summary>
    public ServerCertificate Issue(string name, string commonName, string subjectAltNames, DateTimeOffset notBefore, DateTimeOffset notAfter, string extendedKeyUsage = "serverAuth")
    {
        var id = Interlocked.Increment(ref serial);
        var request = Path.Combine(Directory, $"{name}-{id}.csr");
        var extensions = Path.Combine(Directory, $"{name}-{id}.ext");
        var certificate = Path.Combine(Directory, $"{name}-{id}.pem");
        File.WriteAllText(extensions, $"""
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = {extendedKeyUsage}
            subjectAltName = {subjectAltNames}
            """);
        lock (issuing)
        {
            // openssl ca appends to one index and serial file: one issue at a time.
            OpenSsl("req", "-new", "-config", config, "-key", leafKey, "-subj", $"/CN={commonName}", "-out", request);
            OpenSsl("ca", "-batch", "-config", config, "-notext", "-cert", CaCertificatePath, "-keyfile", caKey, "-in", request, "-out", certificate,
                "-startdate", Stamp(notBefore), "-enddate", Stamp(notAfter), "-extfile", extensions);
        }

        return Load(name, certificate);
    }

    /// <summary>
    /// A certificate for a conn-check node (agent or coordinator) with subject CN=<paramref name="commonName"/>:
    /// one certificate serves both ends of the mutual TLS handshake, so it is good for client and server auth.
    /// </summary>
    public ServerCertificate IssueNode(string commonName, DateTimeOffset? notAfter = null)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue(commonName, commonName, "IP:127.0.0.1, DNS:localhost", now.AddDays(-1), notAfter ?? now.AddDays(365), "serverAuth, clientAuth");
    }

    /// <summary>A self-signed node certificate (no CA at all), with its own key.</summary>
    public ServerCertificate SelfSignedNode(string commonName)
    {
        var key = Path.Combine(Directory, $"self-{commonName}.key");
        var certificate = Path.Combine(Directory, $"self-{commonName}.pem");
        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        OpenSsl("req", "-x509", "-new", "-config", config, "-key", key, "-subj", $"/CN={commonName}", "-days", "30", "-extensions", "v3_selfnode", "-out", certificate);
        using var pem = X509Certificate2.CreateFromPemFile(certificate, key);
        return new ServerCertificate(commonName, certificate, key, X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
    }

    /// <summary>Writes <paramref name="certificate"/> and its key as a PKCS#12 (.pfx) file with the real openssl CLI.</summary>
    public string ExportPfx(ServerCertificate certificate, string password)
    {
        var path = Path.Combine(Directory, $"{certificate.Name}-{Interlocked.Increment(ref serial)}.pfx");
        OpenSsl("pkcs12", "-export", "-in", certificate.CertificatePath, "-inkey", certificate.KeyPath, "-out", path, "-passout", $"pass:{password}");
        return path;
    }

    public void Dispose()
    {
        if (ReferenceEquals(this, SharedSet.IsValueCreated ? SharedSet.Value : null))
        {
            throw new InvalidOperationException("TestCertificates.Shared lives for the whole test run: do not dispose it");
        }

        Delete();
    }

    private void Delete()
    {
        foreach (var certificate in new[] { Valid, Expired, WrongHost, SelfSigned, Expiring5Days, Expiring40Days })
        {
            certificate.Certificate.Dispose();
        }

        Ca.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private ServerCertificate Load(string name, string certificatePath)
    {
        // Through PKCS#12 so the key is usable by SslStream servers on every platform.
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, leafKey);
        var withKey = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        return new ServerCertificate(name, certificatePath, leafKey, withKey);
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHHmmss'Z'", CultureInfo.InvariantCulture);

    private static void OpenSsl(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start openssl (install it: tests/setup/install-deps.sh)");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"openssl {args[0]} did not finish within 30s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }
    }
}
