using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Tests.Security;

/// <summary>The purposes a peer's certificate must allow: every node is TLS client and server.</summary>
public sealed class PeerValidatorTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2", null)]
    [InlineData("2.5.29.37.0", null)]
    [InlineData("1.3.6.1.5.5.7.3.1", "is not for TLS client authentication")]
    [InlineData("1.3.6.1.5.5.7.3.2", "is not for TLS server authentication")]
    [InlineData("1.3.6.1.5.5.7.3.4", "is not for TLS server authentication and client authentication")]
    public void A_pinned_certificate_is_refused_when_its_extended_key_usage_leaves_out_a_tls_purpose(string? usages, string? refusal)
    {
        using var certificate = SelfSigned(usages);
        var validator = new PeerValidator(null, [certificate.GetCertHashString(HashAlgorithmName.SHA256)], []);

        var problem = validator.Problem(certificate, null);

        if (refusal is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Equal($"certificate 'CN=eku-node' {refusal} (its extended key usage)", problem);
        }
    }

    private static X509Certificate2 SelfSigned(string? usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=eku-node", key, HashAlgorithmName.SHA256);
        if (usages is not null)
        {
            var oids = new OidCollection();
            foreach (var oid in usages.Split(','))
            {
                oids.Add(new Oid(oid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
