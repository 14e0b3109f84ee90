using System.Buffers.Binary;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Reporting;

/// <summary>--matrix (terminal) and --html (a page checked in headless Chromium) from a run with a real agent.</summary>
[Collection(TimingSensitive.Name)]
public sealed class MatrixTests(ReportFixture fixture) : IClassFixture<ReportFixture>
{
    [Fact]
    public async Task Matrix_follows_the_report_with_a_row_per_vantage_point_and_a_column_per_destination()
    {
        using var config = new TempConfig(fixture.Yaml);

        var run = await ProcessRunner.ConnCheckAsync(fixture.Args(config.Path, "--matrix"));

        Assert.True(run.ExitCode == 2, run.ToString());
        var lines = run.Lines;
        var start = Array.IndexOf(lines, "Zone matrix (3 vantage points x 4 destinations)");
        Assert.True(start > 0, run.ToString());
        var destinations = new[] { fixture.Closed, fixture.Blocked, fixture.Open.Port, fixture.Tls40.Port }
            .Select(p => $"127.0.0.1:{p}").Order(StringComparer.Ordinal).ToList();

        var header = lines[start + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["zone/agent", "[1]", "[2]", "[3]", "[4]"], header);
        Assert.Equal(Row("batch", (fixture.Open.Port, "UNKNOWN")), Cells(lines[start + 2]));
        Assert.Equal(Row("local", (fixture.Open.Port, "OK"), (fixture.Tls40.Port, "WARN")), Cells(lines[start + 3]));
        Assert.Equal(Row("web/web-1", (fixture.Closed, "FAIL"), (fixture.Blocked, "BLOCKED"), (fixture.Open.Port, "OK")), Cells(lines[start + 4]));
        Assert.Equal("Destinations:", lines[start + 5]);
        Assert.Equal(destinations.Select((d, i) => $"[{i + 1}] {d}"), lines[(start + 6)..(start + 10)]);
        Assert.Equal("Legend:", lines[start + 10]);
        Assert.All(MatrixLines(run), l => Assert.True(l.Length <= 120, l));

        // The matrix is long text: the perfdata section still comes last and whole.
        Assert.Equal(5, run.Perfdata.Length);

        string[] Row(string label, params (int Port, string Cell)[] cells) =>
            [label, .. destinations.Select(d => cells.FirstOrDefault(c => $"127.0.0.1:{c.Port}" == d).Cell ?? "-")];
    }

    [Fact]
    public async Task Many_destinations_wrap_into_blocks_no_wider_than_120_columns()
    {
        var ports = Enumerable.Range(0, 25).Select(_ => Loopback.ClosedPort()).Distinct().ToList();
        using var config = new TempConfig(string.Concat(ports.Select(p =>
            $"- {{ type: tcp, host: 127.0.0.1, port: {p}, from: [a-rather-long-zone-name-for-the-dmz, web], reachable: false, timeout: 5 }}\n")));

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--local", "--matrix");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = MatrixLines(run);
        Assert.All(lines, l => Assert.True(l.Length <= 120, $"{l.Length} columns: {l}"));
        var headers = lines.Where(l => l.StartsWith("zone/agent", StringComparison.Ordinal)).ToList();
        Assert.True(headers.Count >= 3, run.ToString());
        Assert.Equal(ports.Count, headers.Sum(h => h.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length - 1));
        Assert.Equal(headers.Count * 2, lines.Count(l => l.StartsWith("a-rather-long-zone-name-for-the~", StringComparison.Ordinal) || l.StartsWith("web/simulated", StringComparison.Ordinal)));
        Assert.Equal(2 * ports.Count, lines.Sum(l => l.Split(' ').Count(w => w == "BLOCKED")) - 1);
    }

    [Fact]
    public async Task Matrix_with_a_structured_format_is_an_argument_error()
    {
        using var config = new TempConfig("- { type: tcp, host: 127.0.0.1, port: 1 }\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--matrix", "--format", "json");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("--matrix goes after the nagios report", run.Stderr);
    }

    [Fact]
    public async Task An_html_file_that_cannot_be_written_is_reported_on_stderr_and_the_verdict_stands()
    {
        using var config = new TempConfig($"- {{ type: tcp, host: 127.0.0.1, port: {Loopback.ClosedPort()} }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--html", Path.Combine(config.Directory, "no-such-dir", "m.html"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 1 of 1 checks failed |", run.StatusLine);
        Assert.Contains("conn-check: cannot write --html ", run.Stderr);
    }

    [Fact]
    public async Task Html_matrix_is_a_self_contained_page_that_renders_in_headless_chromium()
    {
        using var config = new TempConfig(fixture.Yaml);
        var html = Path.Combine(config.Directory, "matrix.html");
        var png = Path.Combine(Repo.Root, "tests", "ConnCheck.Tests", "bin", "matrix-screenshot.png");
        File.Delete(png);

        var run = await ProcessRunner.ConnCheckAsync(fixture.Args(config.Path, "--format", "json", "--html", html));

        Assert.True(run.ExitCode == 2, run.ToString());
        var page = await File.ReadAllTextAsync(html);
        Assert.DoesNotContain("http://", page);
        Assert.DoesNotContain("https://", page);
        Assert.DoesNotContain("<script", page);
        Assert.DoesNotContain("<link", page);

        var profile = Directory.CreateTempSubdirectory("conncheck-chromium-").FullName;
        try
        {
            var url = new Uri(html).AbsoluteUri;
            var dom = await Chromium(profile, "--dump-dom", url);
            var shot = await Chromium(profile, $"--screenshot={png}", "--window-size=1200,800", url);
            Assert.True(File.Exists(png), $"no screenshot:\n{shot}");

            Assert.Contains("<h1>conn-check: zone × destination</h1>", dom);
            Assert.Contains("CONN-CHECK CRITICAL: 1 of 6 checks failed (batch 0/1, local 0/2, web 1/3) [1 unknown, 1 skipped]", dom);
            Assert.Contains("<th class=\"row\" scope=\"row\">web/web-1</th>", dom);
            Assert.Contains($"<th class=\"dest\" scope=\"col\">127.0.0.1:{fixture.Tls40.Port}</th>", dom);
            Assert.Contains(">FAIL</td>", dom);
            Assert.Contains("<td class=\"cell blocked\" title=\"web-blocked OK - unreachable as required: connection refused\">BLOCKED</td>", dom);
            Assert.Contains("<td class=\"cell unknown\" title=\"batch-to-open UNKNOWN - no agent in zone batch", dom);
            Assert.Contains("<td class=\"cell warn\" title=\"cert-40d WARNING - certificate expires in", dom);

            var bytes = await File.ReadAllBytesAsync(png);
            Assert.True(bytes.Length is > 10_000 and < 5_000_000, $"screenshot of {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            Assert.Equal(1200, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
            Assert.Equal(800, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    // From the matrix title to the perfdata section.
    private static List<string> MatrixLines(ProcessResult run) =>
        run.Stdout.Split('\n').SkipWhile(l => !l.StartsWith("Zone matrix", StringComparison.Ordinal)).TakeWhile(l => !l.StartsWith("| ", StringComparison.Ordinal)).ToList();

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Runs Debian's chromium headless; a missing browser fails the test (tests/setup/install-deps.sh installs it).</summary>
    private static async Task<string> Chromium(string profile, params string[] args)
    {
        var binary = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("chromium is not installed: run tests/setup/install-deps.sh (Debian package 'chromium')");
        string[] flags =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", $"--user-data-dir={profile}",
        ];
        var run = await ProcessRunner.RunCommandAsync(binary, [.. flags, .. args], null, TimeSpan.FromSeconds(90));
        Assert.True(run.ExitCode == 0, $"chromium exited {run.ExitCode}: {run.Stderr}");
        return run.Stdout;
    }
}
