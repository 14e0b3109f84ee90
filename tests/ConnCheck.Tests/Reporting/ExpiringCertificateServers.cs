using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Reporting;

/// <summary>TLS and HTTPS servers whose certificates (from the test CA) expire in 5 and in 40 days.</summary>
public sealed class ExpiringCertificateServers : IAsyncLifetime
{
    private HttpTestServer? https5;
    private HttpTestServer? https40;

    public TestCertificates Certificates { get; } = TestCertificates.Shared;

    public TlsTestServer Tls5 { get; private set; } = null!;

    public TlsTestServer Tls40 { get; private set; } = null!;

    public HttpTestServer Https5 => https5 ?? throw new InvalidOperationException("the 5-day HTTPS server did not start");

    public HttpTestServer Https40 => https40 ?? throw new InvalidOperationException("the 40-day HTTPS server did not start");

    public async Task InitializeAsync()
    {
        Tls5 = new TlsTestServer(Certificates.Expiring5Days.Certificate);
        Tls40 = new TlsTestServer(Certificates.Expiring40Days.Certificate);
        https5 = await HttpTestServer.StartAsync(Certificates.Expiring5Days.Certificate);
        https40 = await HttpTestServer.StartAsync(Certificates.Expiring40Days.Certificate);
    }

    public async Task DisposeAsync()
    {
        Tls5?.Dispose();
        Tls40?.Dispose();
        if (https5 is not null)
        {
            await https5.DisposeAsync();
        }

        if (https40 is not null)
        {
            await https40.DisposeAsync();
        }
    }
}
