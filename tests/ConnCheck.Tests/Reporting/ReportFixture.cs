using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Reporting;

/// <summary>
/// One real agent (zone web), a TLS server whose certificate expires in 40 days, an open port and two
/// closed ones: enough for a run with every status (OK, FAILED, WARNING, UNKNOWN, SKIPPED) and BLOCKED.
/// </summary>
public sealed class ReportFixture : IAsyncLifetime
{
    public TestCertificates Certificates { get; } = new();

    public AcceptingListener Open { get; } = new();

    public int Closed { get; } = Loopback.ClosedPort();

    public int Blocked { get; private set; }

    public TlsTestServer Tls40 { get; private set; } = null!;

    public AgentProcess Agent { get; private set; } = null!;

    /// <summary>zones web (the agent) and batch (no agent); see the check names for what each yields.</summary>
    public string Yaml => $$"""
        zones:
          web: {}
          batch: {}
        checks:
          - { type: tcp, name: web-to-open, from: web, host: 127.0.0.1, port: {{Open.Port}} }
          - { type: tcp, name: web-to-closed, from: web, host: 127.0.0.1, port: {{Closed}} }
          - { type: tcp, name: web-blocked, from: web, host: 127.0.0.1, port: {{Blocked}}, reachable: false }
          - { type: tcp, name: batch-to-open, from: batch, host: 127.0.0.1, port: {{Open.Port}} }
          - { type: tls, name: cert-40d, host: 127.0.0.1, port: {{Tls40.Port}}, cert_warn_days: 60 }
          - { type: tcp, name: local-open, host: 127.0.0.1, port: {{Open.Port}}, warn_ms: 10000, tags: [db] }
          - { type: tcp, name: not-selected, host: 127.0.0.1, port: {{Open.Port}}, tags: [slow] }
        """;

    public string[] Args(string configPath, params string[] more) =>
        [configPath, "--agent", $"web={Agent.Address}", "--tls-certs-path", Certificates.CaDirectory, "--exclude-tags", "slow", .. more];

    public async Task InitializeAsync()
    {
        do
        {
            Blocked = Loopback.ClosedPort();
        }
        while (Blocked == Closed);

        Tls40 = new TlsTestServer(Certificates.Expiring40Days.Certificate);
        Agent = await AgentProcess.StartAsync("web", "web-1");
    }

    public async Task DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        Tls40?.Dispose();
        Open.Dispose();
        Certificates.Dispose();
    }
}
