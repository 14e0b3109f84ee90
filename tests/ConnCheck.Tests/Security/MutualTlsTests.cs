using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Security;

/// <summary>
/// Two agents with TLS on (conn-check.tls via --hocon), started once: sec-1 (seed) and sec-2, which
/// joined it over TLS. A good coordinator, rogue coordinators and a rogue agent, all real processes.
/// </summary>
public sealed class SecureClusterFixture : IAsyncLifetime
{
    public TestCertificates Ca { get; } = TestCertificates.Shared;

    /// <summary>Another CA with the very same name as <see cref="Ca"/>, but its own key.</summary>
    public TestCertificates OtherCa { get; } = new();

    public TempConfig AgentHocon { get; private set; } = null!;

    public TempConfig CoordinatorHocon { get; private set; } = null!;

    public ServerCertificate AgentCertificate { get; private set; } = null!;

    public ServerCertificate CoordinatorCertificate { get; private set; } = null!;

    public AgentProcess Sec1 { get; private set; } = null!;

    /// <summary>An agent's TLS settings with a certificate from <see cref="OtherCa"/>, trusting only <see cref="OtherCa"/>.</summary>
    public TempConfig RogueHocon { get; private set; } = null!;

    /// <summary>The same rogue certificate, but trusting <see cref="Ca"/> (so only the other side refuses).</summary>
    public TempConfig RogueTrustingOurCaHocon { get; private set; } = null!;

    public AgentProcess Sec2 { get; private set; } = null!;

    public string Seed => Sec1.Address;

    public async Task InitializeAsync()
    {
        AgentCertificate = Ca.IssueNode("conn-check-agent");
        CoordinatorCertificate = Ca.IssueNode("conn-check-coordinator");
        AgentHocon = TlsHocon.Pem(AgentCertificate, Ca.CaCertificatePath);
        var rogue = OtherCa.IssueNode("conn-check-agent");
        RogueHocon = TlsHocon.Pem(rogue, OtherCa.CaCertificatePath);
        RogueTrustingOurCaHocon = TlsHocon.Pem(rogue, Ca.CaCertificatePath);
        CoordinatorHocon = TlsHocon.Pfx(Ca.ExportPfx(CoordinatorCertificate, "pfx-Pa55"), "pfx-Pa55", Ca.CaCertificatePath);
        Sec1 = await AgentProcess.StartAsync("secure", "sec-1", extraArgs: ["--hocon", AgentHocon.Path]);
        Sec2 = await AgentProcess.StartAsync("secure", "sec-2", [Sec1.Address], ["--hocon", AgentHocon.Path]);

        await ClusterPolling.WaitForAgentsAsync(
            () => ProcessRunner.ConnCheckAsync("agents", "--seed", Seed, "--hocon", CoordinatorHocon.Path),
            2,
            TimeSpan.FromSeconds(40),
            () => $"--- sec-1\n{Sec1.Process.Output}\n--- sec-2\n{Sec2.Process.Output}");
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Sec1.DisposeAsync().AsTask(), Sec2.DisposeAsync().AsTask());
        AgentHocon.Dispose();
        RogueHocon.Dispose();
        RogueTrustingOurCaHocon.Dispose();
        CoordinatorHocon.Dispose();
        OtherCa.Dispose();
    }
}

// Handshakes under a 3 s discovery timeout: not beside CPU-heavy tests.
[Collection(TimingSensitive.Name)]
public sealed class MutualTlsTests(SecureClusterFixture cluster) : IClassFixture<SecureClusterFixture>
{
    private const string TlsRefused = "TLS handshake failed: the peer refused this coordinator's certificate or presented one it does not trust (see conn-check.tls)";

    // The client may finish its side of the handshake before the server has checked the client certificate, so a
    // refused client may see only silence.
    private const string TlsSilence = "no answer within 3s (TLS: does the peer trust this coordinator's certificate? see conn-check.tls)";

    [Fact]
    public async Task A_coordinator_with_a_certificate_from_the_ca_runs_checks_on_every_agent()
    {
        using var open = new AcceptingListener();
        using var config = TcpConfig(open.Port);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed, "--hocon", cluster.CoordinatorHocon.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"secure/sec-1 tcp:127.0.0.1:{open.Port} OK", run.Lines);
        Assert.Contains($"secure/sec-2 tcp:127.0.0.1:{open.Port} OK", run.Lines);
        Assert.Equal(2, await open.SettledCountAsync());
    }

    [Fact]
    public async Task A_rogue_coordinator_with_a_self_signed_certificate_runs_nothing_and_the_agents_keep_serving()
    {
        var rogue = cluster.OtherCa.SelfSignedNode("conn-check-coordinator");
        using var hocon = TlsHocon.Pem(rogue, rogue.CertificatePath);

        await AssertRogueRefusedAsync(["--hocon", hocon.Path], TlsRefused, TlsSilence);
    }

    [Fact]
    public async Task A_rogue_coordinator_with_a_certificate_from_another_ca_of_the_same_name_runs_nothing()
    {
        var rogue = cluster.OtherCa.IssueNode("conn-check-coordinator");
        using var hocon = TlsHocon.Pem(rogue, cluster.OtherCa.CaCertificatePath);

        await AssertRogueRefusedAsync(["--hocon", hocon.Path], TlsRefused, TlsSilence);
    }

    [Fact]
    public async Task A_rogue_coordinator_that_trusts_our_ca_but_has_its_own_certificate_from_another_ca_runs_nothing()
    {
        // It would accept the agents; the agents must refuse it.
        var rogue = cluster.OtherCa.IssueNode("conn-check-coordinator");
        using var hocon = TlsHocon.Pem(rogue, cluster.Ca.CaCertificatePath);

        await AssertRogueRefusedAsync(["--hocon", hocon.Path], TlsRefused, TlsSilence);
        await cluster.Sec1.Process.WaitForLineAsync(
            l => l.Contains("TLS: refused peer", StringComparison.Ordinal) && l.Contains("not issued by the configured CA", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the agent logging why it refused the rogue");
    }

    [Fact]
    public async Task A_rogue_coordinator_without_tls_runs_nothing()
    {
        await AssertRogueRefusedAsync([], "the peer closed the connection at once (it may require TLS: see conn-check.tls)");

        // One line per refused connection in the agent's log, not Akka's troubleshooting page and stack.
        await cluster.Sec1.Process.WaitForLineAsync(
            l => l.StartsWith("[ERROR]", StringComparison.Ordinal) && l.Contains("TLS handshake failed on channel", StringComparison.Ordinal) && l.Contains("(cause: ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the agent logging the plaintext connection it refused");
        Assert.DoesNotContain("   at ", cluster.Sec1.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("troubleshooting", cluster.Sec1.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rogue_coordinator_naming_the_agent_directly_runs_nothing()
    {
        var rogue = cluster.OtherCa.SelfSignedNode("rogue-direct");
        using var hocon = TlsHocon.Pem(rogue, rogue.CertificatePath);
        using var target = new AcceptingListener();
        using var config = TcpConfig(target.Port);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"secure={cluster.Sec2.Address}", "--hocon", hocon.Path);

        Assert.Equal(3, run.ExitCode);
        AssertUnreachable(run, target.Port, cluster.Sec2.Address);
        Assert.Equal(0, await target.SettledCountAsync());
        await AssertGoodRunPassesAsync();
    }

    [Fact]
    public async Task The_coordinator_refuses_an_agent_whose_certificate_is_from_another_ca()
    {
        await using var rogueAgent = await AgentProcess.StartAsync("secure", "rogue-agent", extraArgs: ["--hocon", cluster.RogueHocon.Path]);
        using var target = new AcceptingListener();
        using var config = TcpConfig(target.Port);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"secure={rogueAgent.Address}", "--hocon", cluster.CoordinatorHocon.Path);

        Assert.Equal(3, run.ExitCode);
        AssertUnreachable(run, target.Port, rogueAgent.Address);
        Assert.Equal(0, await target.SettledCountAsync());
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_agent_with_an_untrusted_certificate_does_not_hide_the_others()
    {
        // The coordinator's refusal of the rogue's certificate stops its Akka.Remote; it must start
        // again without the rogue instead of reporting every agent lost.
        await using var rogueAgent = await AgentProcess.StartAsync("secure", "rogue-static", extraArgs: ["--hocon", cluster.RogueHocon.Path]);
        using var open = new AcceptingListener();
        using var config = TcpConfig(open.Port);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed, "--agent", $"secure={rogueAgent.Address}", "--hocon", cluster.CoordinatorHocon.Path);

        Assert.Equal(3, run.ExitCode);
        Assert.True(run.Lines.Contains($"secure/sec-1 tcp:127.0.0.1:{open.Port} OK") && run.Lines.Contains($"secure/sec-2 tcp:127.0.0.1:{open.Port} OK"), run.ToString());
        Assert.True(
            new[] { TlsRefused, TlsSilence }.Any(reason => run.Lines.Contains($"secure/{rogueAgent.Address} tcp:127.0.0.1:{open.Port} UNKNOWN - agent at {rogueAgent.Address} unreachable: {reason}")),
            run.ToString());
        Assert.StartsWith("CONN-CHECK UNKNOWN: 1 of 3 checks could not run", run.StatusLine);
    }

    [Fact]
    public async Task An_agent_whose_seed_presents_an_untrusted_certificate_says_so_and_backs_off()
    {
        // Refusing the seed's certificate as a client stops the joiner's Akka.Remote; it must
        // restart (never hang, never exit), say why, and wait longer each time.
        await using var foreignSeed = await AgentProcess.StartAsync("secure", "foreign-seed", extraArgs: ["--hocon", cluster.RogueTrustingOurCaHocon.Path]);
        await using var joiner = await AgentProcess.StartAsync("secure", "joiner", [foreignSeed.Address], ["--hocon", cluster.AgentHocon.Path]);

        await joiner.Process.WaitForLineAsync(
            l => l.Contains("TLS handshake failed on outbound connection to", StringComparison.Ordinal) && l.Contains("restarting to rejoin in 1s", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the joiner restarting and saying why");
        await joiner.Process.WaitForLineAsync(l => l.Contains("restarting to rejoin in 2s", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "a second, longer pause");
        Assert.False(joiner.Process.HasExited);
    }

    [Fact]
    public async Task A_member_only_the_coordinator_distrusts_is_reported_and_the_other_members_still_run()
    {
        // A cluster of its own: two agents and an odd one, all trusting each other (same CA). The
        // coordinator accepts only CN=conn-check-agent, so it alone refuses the odd member, in the
        // middle of discovery, which stops its Akka.Remote once.
        using var oddHocon = TlsHocon.Pem(cluster.Ca.IssueNode("conn-check-odd"), cluster.Ca.CaCertificatePath);
        using var picky = TlsHocon.Pem(cluster.CoordinatorCertificate, cluster.Ca.CaCertificatePath, extra: "allowed-subjects = [\"CN=conn-check-agent\"]");
        await using var first = await AgentProcess.StartAsync("picky", "p-1", extraArgs: ["--hocon", cluster.AgentHocon.Path]);
        await using var second = await AgentProcess.StartAsync("picky", "p-2", [first.Address], ["--hocon", cluster.AgentHocon.Path]);
        await using var odd = await AgentProcess.StartAsync("picky", "p-odd", [first.Address], ["--hocon", oddHocon.Path]);
        await ClusterPolling.WaitForAgentsAsync(() => ProcessRunner.ConnCheckAsync("agents", "--seed", first.Address, "--hocon", cluster.CoordinatorHocon.Path), 3, TimeSpan.FromSeconds(40));
        using var open = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, from: picky, host: 127.0.0.1, port: {open.Port} }}\n");

        var agents = await ProcessRunner.ConnCheckAsync("agents", "--seed", first.Address, "--hocon", picky.Path);
        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", first.Address, "--hocon", picky.Path);

        Assert.Equal(1, agents.ExitCode);
        Assert.StartsWith("CONN-CHECK AGENTS WARNING: 3 agent(s) in 1 zone(s), 1 cluster(s), 1 unreachable from here", agents.StatusLine);
        Assert.Contains(agents.Lines, l => l.StartsWith("picky", StringComparison.Ordinal) && l.Contains("p-odd", StringComparison.Ordinal) && l.Contains("UNREACHABLE: agent at " + odd.Address + " unreachable: TLS handshake failed", StringComparison.Ordinal));
        Assert.Equal(2, agents.Lines.Count(l => l.Contains(" reachable (", StringComparison.Ordinal)));

        Assert.Equal(3, run.ExitCode);
        Assert.True(run.Lines.Contains($"picky/p-1 tcp:127.0.0.1:{open.Port} OK") && run.Lines.Contains($"picky/p-2 tcp:127.0.0.1:{open.Port} OK"), run.ToString());
        Assert.Contains($"picky/p-odd tcp:127.0.0.1:{open.Port} UNKNOWN - agent at {odd.Address} unreachable: {TlsRefused}", run.Lines);
    }

    [Fact]
    public async Task An_agent_with_a_certificate_from_another_ca_cannot_join_the_cluster()
    {
        await using var rogueAgent = await AgentProcess.StartAsync("secure", "rogue-joiner", [cluster.Seed], ["--hocon", cluster.RogueTrustingOurCaHocon.Path]);
        await cluster.Sec1.Process.WaitForLineAsync(
            l => l.Contains("TLS: refused peer", StringComparison.Ordinal) && l.Contains("certificate 'CN=conn-check-agent'", StringComparison.Ordinal),
            TimeSpan.FromSeconds(40), "the seed refusing the rogue agent");

        var agents = await ProcessRunner.ConnCheckAsync("agents", "--seed", cluster.Seed, "--hocon", cluster.CoordinatorHocon.Path);

        Assert.Equal(0, agents.ExitCode);
        Assert.DoesNotContain("rogue-joiner", agents.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("CONN-CHECK AGENTS OK: 2 agent(s)", agents.StatusLine);
    }

    [Fact]
    public async Task Pinned_thumbprints_without_a_ca_accept_the_pinned_agent_certificate_only()
    {
        var sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(cluster.AgentCertificate.Certificate.RawData));
        var colonSeparated = string.Join(':', Enumerable.Range(0, sha256.Length / 2).Select(i => sha256.Substring(i * 2, 2)));
        using var pinnedHocon = TlsHocon.Pem(cluster.CoordinatorCertificate, caPath: null, pins: [colonSeparated.ToLowerInvariant()]);
        using var open = new AcceptingListener();
        using var config = TcpConfig(open.Port);

        var pinned = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed, "--hocon", pinnedHocon.Path);

        Assert.True(pinned.ExitCode == 0, pinned.ToString());

        using var wrongPin = TlsHocon.Pem(cluster.CoordinatorCertificate, caPath: null, pins: [cluster.CoordinatorCertificate.Certificate.Thumbprint]);
        var refused = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed, "--hocon", wrongPin.Path);

        Assert.Equal(3, refused.ExitCode);
        AssertTlsRefusal(refused);
    }

    [Fact]
    public async Task An_allowed_subject_pattern_that_the_agents_do_not_match_refuses_them()
    {
        using var hocon = TlsHocon.Pem(cluster.CoordinatorCertificate, cluster.Ca.CaCertificatePath, extra: "allowed-subjects = [\"CN=conn-check-agent-*\"]");
        using var open = new AcceptingListener();
        using var config = TcpConfig(open.Port);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed, "--hocon", hocon.Path);

        Assert.Equal(3, run.ExitCode);
        AssertTlsRefusal(run);
        Assert.Equal(0, await open.SettledCountAsync());
    }

    [Fact]
    public async Task Unusable_tls_settings_are_an_error_at_start_and_never_echo_the_password()
    {
        using var wrongPassword = TlsHocon.Pfx(cluster.Ca.ExportPfx(cluster.CoordinatorCertificate, "right-Pa55"), "Wr0ngPa55word", cluster.Ca.CaCertificatePath);
        using var noTrust = TlsHocon.Write($"certificate = \"{cluster.CoordinatorCertificate.CertificatePath}\"\nkey = \"{cluster.CoordinatorCertificate.KeyPath}\"");
        using var config = TcpConfig(Loopback.ClosedPort());

        var coordinator = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed, "--hocon", wrongPassword.Path);
        Assert.Equal(3, coordinator.ExitCode);
        Assert.StartsWith($"CONN-CHECK UNKNOWN: conn-check.tls: cannot load certificate ", coordinator.StatusLine);
        Assert.DoesNotContain("Wr0ngPa55word", coordinator.Stdout + coordinator.Stderr, StringComparison.Ordinal);

        var agent = await ProcessRunner.RunAsync(Repo.AgentDll, ["--zone", "secure", "--bind", $"127.0.0.1:{Loopback.ClosedPort()}", "--hocon", noTrust.Path], null, TimeSpan.FromSeconds(60));
        Assert.Equal(3, agent.ExitCode);
        Assert.Contains("conn-check-agent: conn-check.tls: set ca (the CA that issued the peers' certificates) or pinned-thumbprints", agent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", agent.Stdout + agent.Stderr, StringComparison.Ordinal);

        var serverOnly = cluster.Ca.Issue("server-only", "conn-check-agent", "IP:127.0.0.1", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), "serverAuth");
        using var serverOnlyHocon = TlsHocon.Pem(serverOnly, cluster.Ca.CaCertificatePath);
        var narrow = await ProcessRunner.RunAsync(Repo.AgentDll, ["--zone", "secure", "--bind", $"127.0.0.1:{Loopback.ClosedPort()}", "--hocon", serverOnlyHocon.Path], null, TimeSpan.FromSeconds(60));
        Assert.Equal(3, narrow.ExitCode);
        Assert.Contains($"conn-check-agent: conn-check.tls.certificate {serverOnly.CertificatePath}: its extended key usage leaves out TLS client authentication, so peers would refuse it", narrow.Stderr, StringComparison.Ordinal);
    }

    private async Task AssertRogueRefusedAsync(string[] rogueArgs, params string[] reasons)
    {
        using var target = new AcceptingListener();
        using var config = TcpConfig(target.Port);

        var run = await ProcessRunner.ConnCheckAsync([config.Path, "--seed", cluster.Seed, .. rogueArgs]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains(
            run.Lines.Last(),
            reasons.Select(reason => $"secure/- tcp:127.0.0.1:{target.Port} UNKNOWN - no agent in zone secure (no seed answered ({cluster.Seed}: {reason}))"));
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), run.ToString());
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await target.SettledCountAsync());
        await AssertGoodRunPassesAsync();
    }

    // Which side notices first depends on when the refusal alert arrives: a refusal, or silence.
    private static void AssertTlsRefusal(ProcessResult run) =>
        Assert.True(run.Stdout.Contains(TlsRefused, StringComparison.Ordinal) || run.Stdout.Contains(TlsSilence, StringComparison.Ordinal), run.ToString());

    private static void AssertUnreachable(ProcessResult run, int port, string agent) =>
        Assert.True(
            new[] { TlsRefused, TlsSilence }.Any(reason => run.Lines.Contains($"secure/- tcp:127.0.0.1:{port} UNKNOWN - no agent in zone secure (agent at {agent} unreachable: {reason})")),
            run.ToString());

    private async Task AssertGoodRunPassesAsync()
    {
        using var open = new AcceptingListener();
        using var config = TcpConfig(open.Port);
        var good = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed, "--hocon", cluster.CoordinatorHocon.Path);
        Assert.True(good.ExitCode == 0, "the real coordinator after the rogue: " + good);
        Assert.True(await open.AcceptedAsync(2) == 2, $"both agents should have connected: {good}\n--- sec-1\n{cluster.Sec1.Process.Output}\n--- sec-2\n{cluster.Sec2.Process.Output}");
    }

    private static TempConfig TcpConfig(int port) => new($"""
        - type: tcp
          from: secure
          host: 127.0.0.1
          port: {port}
        """);
}
