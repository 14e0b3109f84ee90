using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Security;

/// <summary>
/// The allowlist applies to the destination of an http check, not only to the socket it opens: a
/// URL outside the list is refused before any connection even when the proxy it goes through is allowed.
/// </summary>
public sealed class AllowlistProxyTests
{
    [Fact]
    public async Task A_url_outside_the_allowlist_is_refused_through_an_allowed_proxy_as_it_is_directly()
    {
        using var forbidden = new AcceptingListener();
        using var origin = new ScriptedTcpServer(async (stream, ct) =>
        {
            _ = await stream.ReadAsync(new byte[4096], ct);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
        });
        using var redirector = new ScriptedTcpServer(async (stream, ct) =>
        {
            _ = await stream.ReadAsync(new byte[4096], ct);
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                $"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{forbidden.Port}/next\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), ct);
        });
        using var untouched = new ForwardProxy();
        using var proxy = new ForwardProxy();
        var rules = $"127.0.0.1:{untouched.Port},{proxy.Port},{origin.Port},{redirector.Port}";
        await using var agent = await AgentProcess.StartAsync("proxied", "proxied-1", extraArgs: ["--allow", rules]);
        using var config = new TempConfig($"""
            - type: http
              from: proxied
              url: http://127.0.0.1:{forbidden.Port}/
            - type: http
              from: proxied
              url: http://127.0.0.1:{forbidden.Port}/via
              proxy_host: 127.0.0.1
              proxy_port: {untouched.Port}
            - type: http
              from: proxied
              url: https://localhost:{forbidden.Port}/
              proxy_url: {untouched.Url}
            - type: http
              from: proxied
              url: http://127.0.0.1:{origin.Port}/
              proxy_host: 127.0.0.1
              proxy_port: {proxy.Port}
            - type: http
              from: proxied
              url: http://127.0.0.1:{redirector.Port}/
              proxy_host: 127.0.0.1
              proxy_port: {proxy.Port}
              allow_redirects: true
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"proxied={agent.Address}");

        var refused = $"refused by agent allowlist: 127.0.0.1:{forbidden.Port} not in {rules}";
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"proxied/proxied-1 http:http://127.0.0.1:{forbidden.Port}/ FAILED - {refused}", run.Lines);
        Assert.Contains($"proxied/proxied-1 http:http://127.0.0.1:{forbidden.Port}/via FAILED - {refused}", run.Lines);
        Assert.Contains($"proxied/proxied-1 http:https://localhost:{forbidden.Port}/ FAILED - refused by agent allowlist: localhost (127.0.0.1:{forbidden.Port}) not in {rules}", run.Lines);
        Assert.Contains($"proxied/proxied-1 http:http://127.0.0.1:{origin.Port}/ OK", run.Lines);
        Assert.Contains(run.Lines, l => l.StartsWith($"proxied/proxied-1 http:http://127.0.0.1:{redirector.Port}/ FAILED - ", StringComparison.Ordinal)
            && l.EndsWith($"redirect to http://127.0.0.1:{forbidden.Port}/next {refused}", StringComparison.Ordinal));
        Assert.Equal(0, untouched.Accepted);
        Assert.Empty(untouched.RequestLines);
        Assert.Equal(0, await forbidden.SettledCountAsync());
        Assert.Equal(
            new[] { $"GET http://127.0.0.1:{origin.Port}/ HTTP/1.1", $"GET http://127.0.0.1:{redirector.Port}/ HTTP/1.1" }.Order(StringComparer.Ordinal).ToArray(),
            proxy.RequestLines.Order(StringComparer.Ordinal).ToArray());
    }
}
