using System.Diagnostics;
using System.Text.RegularExpressions;
using ConnCheck.Tests.Support;
using Xunit.Abstractions;

namespace ConnCheck.Tests.Compat;

/// <summary>The loopback servers the compatibility configs point at besides the real ones tests/run.sh starts.</summary>
public sealed class CompatServers : IAsyncLifetime
{
    private HttpTestServer? web;

    public TestCertificates Certificates { get; } = new();

    public HttpTestServer Web => web ?? throw new InvalidOperationException("the HTTP test server did not start");

    /// <summary>Answers the original demo's "aaaa" with "bbbb", and anything else (a statsd packet) with "ok".</summary>
    public UdpResponder Udp { get; } = new(datagram => datagram.AsSpan().SequenceEqual("aaaa"u8) ? "bbbb"u8.ToArray() : "ok"u8.ToArray());

    public async Task InitializeAsync() => web = await HttpTestServer.StartAsync(Certificates.Valid.Certificate);

    public async Task DisposeAsync()
    {
        if (web is not null)
        {
            await web.DisposeAsync();
        }

        Udp.Dispose();
        Certificates.Dispose();
    }
}

/// <summary>
/// Configs and command lines written the way users of the original conn-check 1.3.1 wrote them
/// (Corpus/compat), each run as a process against real servers on loopback. A file's header lists
/// its cases: "# run: ARGS" (the config is {config}, put first when not named), then what the
/// original gave: "# exit: N", "# stdout: TEXT" (some stdout line contains it), "# no-stdout: TEXT",
/// "# stderr: TEXT". ${NAME} in the header is the test servers' environment.
/// </summary>
public sealed partial class OriginalConfigTests(CompatServers servers, ITestOutputHelper output) : IClassFixture<CompatServers>
{
    private static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Corpus", "compat");

    public static TheoryData<string> Files => new(Directory.GetFiles(CorpusDirectory, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Fact]
    public void Every_check_type_has_a_config_in_the_original_style()
    {
        var all = string.Join('\n', Directory.GetFiles(CorpusDirectory, "*.yaml").Select(File.ReadAllText));
        foreach (var type in new[] { "tcp", "ssl", "tls", "udp", "http", "https", "amqp", "postgres", "redis", "memcache", "memcached", "mongodb", "smtp" })
        {
            Assert.Contains($"type: {type}\n", all, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Config_in_the_original_style_gives_the_original_outcome(string name)
    {
        var path = Path.Combine(CorpusDirectory, name);
        var environment = Environment();
        var cases = Parse(File.ReadAllLines(path), text => Expand(text, environment));
        Assert.NotEmpty(cases);
        foreach (var compat in cases)
        {
            var args = compat.Args.Contains("{config}") ? compat.Args.Select(a => a == "{config}" ? path : a).ToArray() : [path, .. compat.Args];
            var run = await ProcessRunner.ConnCheckAsync(environment, args);
            output.WriteLine($"{name}: run {string.Join(' ', compat.Args)}: exit {run.ExitCode}");
            var what = $"{name}: run {string.Join(' ', compat.Args)}\n{run}";
            Assert.True(run.ExitCode == compat.Exit, what);
            Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
            foreach (var text in compat.Stdout)
            {
                Assert.True(run.AllLines.Any(l => l.Contains(text, StringComparison.Ordinal)), $"no stdout line contains '{text}'\n{what}");
            }

            foreach (var text in compat.NoStdout)
            {
                Assert.False(run.Stdout.Contains(text, StringComparison.Ordinal), $"stdout contains '{text}'\n{what}");
            }

            foreach (var text in compat.Stderr)
            {
                Assert.True(run.Stderr.Contains(text, StringComparison.Ordinal), $"stderr lacks '{text}'\n{what}");
            }
        }
    }

    private Dictionary<string, string> Environment()
    {
        // The release as the assembly carries it, without the "+commit" build metadata --version leaves out.
        var version = (FileVersionInfo.GetVersionInfo(Repo.CoordinatorDll).ProductVersion ?? "").Split('+')[0];
        var environment = new Dictionary<string, string>
        {
            ["COMPAT_HTTP_PORT"] = servers.Web.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["COMPAT_HTTPS_PORT"] = servers.Web.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["COMPAT_UDP_PORT"] = servers.Udp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["COMPAT_CA_DIR"] = servers.Certificates.CaDirectory,
            ["COMPAT_VERSION"] = version,
        };
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith("CONNCHECK_TEST_", StringComparison.Ordinal))
            {
                environment[key] = (string)entry.Value!;
            }
        }

        return environment;
    }

    private static string Expand(string text, IReadOnlyDictionary<string, string> environment) =>
        Variable().Replace(text, m => environment.TryGetValue(m.Groups[1].Value, out var value) ? value : throw new InvalidOperationException($"${{{m.Groups[1].Value}}} is not set"));

    private static List<CompatCase> Parse(IEnumerable<string> lines, Func<string, string> expand)
    {
        var cases = new List<CompatCase>();
        foreach (var line in lines.TakeWhile(l => l.StartsWith('#')))
        {
            var match = HeaderLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var value = expand(match.Groups[2].Value.Trim());
            switch (match.Groups[1].Value)
            {
                case "run":
                    cases.Add(new CompatCase(Split(value)));
                    break;
                case "exit":
                    cases[^1] = cases[^1] with { Exit = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) };
                    break;
                case "stdout":
                    cases[^1].Stdout.Add(value);
                    break;
                case "no-stdout":
                    cases[^1].NoStdout.Add(value);
                    break;
                case "stderr":
                    cases[^1].Stderr.Add(value);
                    break;
            }
        }

        return cases;
    }

    // Words separated by spaces; 'single quotes' keep spaces (and are dropped), as a shell would.
    private static string[] Split(string args) =>
        ArgumentWord().Matches(args).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value).ToArray();

    [GeneratedRegex(@"^# (run|exit|stdout|no-stdout|stderr):(.*)$")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"\$\{([A-Z0-9_]+)\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"'([^']*)'|\S+")]
    private static partial Regex ArgumentWord();

    private sealed record CompatCase(string[] Args)
    {
        public int Exit { get; init; }

        public List<string> Stdout { get; } = [];

        public List<string> NoStdout { get; } = [];

        public List<string> Stderr { get; } = [];
    }
}
