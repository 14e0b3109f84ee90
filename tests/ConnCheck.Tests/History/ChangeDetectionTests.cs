using System.Net;
using System.Net.Sockets;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.History;

/// <summary>--history with real agents: CHANGED markers with their text, the status line and perfdata counts, --warn-on-change, vantage points.</summary>
[Collection(TimingSensitive.Name)]
public sealed class ChangeDetectionTests(HistoryFixture fixture) : IClassFixture<HistoryFixture>
{
    [Fact]
    public async Task A_path_that_breaks_and_a_path_that_opens_are_marked_changed_and_unchanged_runs_carry_no_marker()
    {
        var app = new AcceptingListener();
        var guardPort = Loopback.ClosedPort();
        using var config = new TempConfig($$"""
            - { type: tcp, name: app, from: web, host: 127.0.0.1, port: {{app.Port}} }
            - { type: tcp, name: guard, from: web, host: 127.0.0.1, port: {{guardPort}}, reachable: false }
            """);
        var history = Path.Combine(config.Directory, "history.db");
        string[] args = [config.Path, .. fixture.BothAgents, "--history", history];

        try
        {
            foreach (var attempt in new[] { "first", "second" })
            {
                var same = await ProcessRunner.ConnCheckAsync(args);
                Assert.True(same.ExitCode == 0, $"{attempt} run\n{same}");
                Assert.DoesNotContain("CHANGED", same.Stdout, StringComparison.Ordinal);
                Assert.DoesNotContain("changed]", same.StatusLine, StringComparison.Ordinal);
                Assert.Contains(" changed=0;;;0", same.StatusLine, StringComparison.Ordinal);
                Assert.Equal("", same.Stderr.Trim());
            }
        }
        finally
        {
            app.Dispose();
        }

        using var opened = new TcpListener(IPAddress.Loopback, guardPort);
        opened.Start();
        var changed = await ProcessRunner.ConnCheckAsync(args);

        Assert.True(changed.ExitCode == 2, changed.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 2 of 2 checks failed (web 2/2) [2 changed] |", changed.StatusLine, StringComparison.Ordinal);
        Assert.Contains(" changed=2;;;0", changed.StatusLine, StringComparison.Ordinal);
        Assert.Matches(@"^web/web-1 app FAILED \[CHANGED: was OK for \d+s\] - connection refused$", Line(changed, "web/web-1 app "));
        Assert.Matches(@"^web/web-1 guard FAILED \[CHANGED: newly reachable: must be closed, was closed for \d+s\] - ", Line(changed, "web/web-1 guard "));

        // The next run sees the same failures: nothing changed, no marker.
        var again = await ProcessRunner.ConnCheckAsync(args);
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.DoesNotContain("CHANGED", again.Stdout, StringComparison.Ordinal);
        Assert.Contains(" changed=0;;;0", again.StatusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warn_on_change_turns_an_otherwise_ok_run_into_a_warning_and_the_next_unchanged_run_is_ok_again()
    {
        var guardPort = Loopback.ClosedPort();
        using var open = new AcceptingListener();
        using var config = new TempConfig($$"""
            - { type: tcp, name: app, from: db, host: 127.0.0.1, port: {{open.Port}} }
            - { type: tcp, name: guard, from: db, host: 127.0.0.1, port: {{guardPort}}, reachable: false }
            """);
        var history = Path.Combine(config.Directory, "history.db");
        string[] args = [config.Path, .. fixture.BothAgents, "--history", history, "--warn-on-change"];

        using (var listening = new TcpListener(IPAddress.Loopback, guardPort))
        {
            listening.Start();
            var leaking = await ProcessRunner.ConnCheckAsync(args);
            Assert.True(leaking.ExitCode == 2, leaking.ToString());
        }

        var closedAgain = await ProcessRunner.ConnCheckAsync(args);
        Assert.True(closedAgain.ExitCode == 1, closedAgain.ToString());
        Assert.StartsWith("CONN-CHECK WARNING: 1 path changed (db 0/2) |", closedAgain.StatusLine, StringComparison.Ordinal);
        Assert.Matches(@"^db/db-1 guard OK \[CHANGED: closed again, was reachable for \d+s\] - ", Line(closedAgain, "db/db-1 guard "));
        Assert.Equal("db/db-1 app OK", Line(closedAgain, "db/db-1 app "));

        var steady = await ProcessRunner.ConnCheckAsync(args);
        Assert.True(steady.ExitCode == 0, steady.ToString());
        Assert.StartsWith("CONN-CHECK OK: 2 checks passed", steady.StatusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_that_disappears_is_a_vantage_point_gone_and_its_replacement_a_vantage_point_new()
    {
        using var open = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, name: reach, from: db, host: 127.0.0.1, port: {open.Port} }}\n");
        var history = Path.Combine(config.Directory, "history.db");

        var before = await ProcessRunner.ConnCheckAsync([config.Path, .. fixture.BothAgents, "--history", history]);
        Assert.True(before.ExitCode == 0, before.ToString());
        var after = await ProcessRunner.ConnCheckAsync([config.Path, "--agent", $"web={fixture.Web.Address}", "--history", history]);

        Assert.True(after.ExitCode == 3, after.ToString());
        Assert.Contains("[2 changed]", after.StatusLine, StringComparison.Ordinal);
        Assert.StartsWith("db/- reach UNKNOWN [CHANGED: vantage point new] - ", Line(after, "db/- reach "), StringComparison.Ordinal);
        Assert.Matches(@"^db/db-1 reach GONE \[CHANGED: vantage point gone, was OK for \d+s\]$", Line(after, "db/db-1 reach "));

        var history2 = await ProcessRunner.ConnCheckAsync("history", "--history", history, "--path", "db/*");
        Assert.True(history2.ExitCode == 0, history2.ToString());
        Assert.Matches(@"db/db-1 reach +- -> OK +first seen", history2.Stdout);
        Assert.Matches(@"db/db-1 reach +OK -> - +vantage point gone, was OK for \d+s", history2.Stdout);
        Assert.Matches(@"db/- reach +- -> UNKNOWN +vantage point new - ", history2.Stdout);
    }

    private static string Line(ProcessResult run, string prefix) =>
        run.Lines.SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line '{prefix}...'\n{run}");
}
