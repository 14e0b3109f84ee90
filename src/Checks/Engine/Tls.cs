using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// Certificate validation for checks that talk TLS through a driver: the system roots plus
/// --tls-certs-path, or nothing when verification is disabled. Remembers the certificate's expiry
/// and why it was refused, since drivers only say that the handshake failed.
/// </summary>
public sealed class CertificatePolicy(TlsSettings settings, bool verify)
{
    public DateTimeOffset? NotAfter { get; private set; }

    public string? Refusal { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not null)
        {
            if (certificate is X509Certificate2 full)
            {
                NotAfter = new DateTimeOffset(full.NotAfter.ToUniversalTime());
            }
            else
            {
                using var loaded = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                NotAfter = new DateTimeOffset(loaded.NotAfter.ToUniversalTime());
            }
        }

        if (errors == SslPolicyErrors.None || !verify)
        {
            return true;
        }

        if (errors == SslPolicyErrors.RemoteCertificateChainErrors && settings.ExtraRoots.Count > 0 && certificate is not null && TrustedByExtraRoots(certificate, chain))
        {
            return true;
        }

        Refusal = Describe(errors, chain);
        return false;
    }

    private bool TrustedByExtraRoots(X509Certificate certificate, X509Chain? presented)
    {
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(settings.ExtraRoots);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }

    private static string Describe(SslPolicyErrors errors, X509Chain? chain)
    {
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("no certificate presented");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add("certificate name does not match the host");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToArray() ?? [];
            reasons.Add(statuses.Length == 0 ? "certificate chain not trusted" : $"certificate not trusted ({string.Join(", ", statuses)})");
        }

        return "TLS verification failed: " + string.Join("; ", reasons);
    }
}

/// <summary>The tls:host:port sub-check protocol checks run before speaking their protocol over TLS.</summary>
public static class Tls
{
    public static CheckStep Step(string host, int port, TlsSettings settings, bool verify) => new($"tls:{host}:{port}", async ct =>
    {
        using var socket = await Net.ConnectTcpAsync(host, port, ct).ConfigureAwait(false);
        await using var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
        var policy = new CertificatePolicy(settings, verify);
        try
        {
            await stream.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions { TargetHost = host.Trim('[', ']'), RemoteCertificateValidationCallback = policy.Validate },
                ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException && Failures.Classify(ex) is TransportFailure.Other or TransportFailure.Reset)
        {
            return StepResult.Fail(policy.Refusal ?? "TLS handshake failed: the server did not complete a TLS handshake (no TLS on this port?)");
        }

        return new StepResult(true, CertificateNotAfter: policy.NotAfter);
    });
}
