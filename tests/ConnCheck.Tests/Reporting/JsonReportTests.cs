using System.Text.Json;
using Json.Schema;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Reporting;

/// <summary>--format json from a real run with a real agent, validated against docs/report.schema.json.</summary>
[Collection(TimingSensitive.Name)]
public sealed class JsonReportTests(ReportFixture fixture) : IClassFixture<ReportFixture>
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Repo.Root, "docs", "report.schema.json")));

    [Fact]
    public async Task Json_report_validates_against_the_schema_and_carries_every_result()
    {
        using var config = new TempConfig(fixture.Yaml);

        var run = await ProcessRunner.ConnCheckAsync(fixture.Args(config.Path, "--format", "json"));

        Assert.True(run.ExitCode == 2, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        AssertValid(document.RootElement, run);
        var root = document.RootElement;

        var meta = root.GetProperty("run");
        Assert.Equal("CRITICAL", meta.GetProperty("status").GetString());
        Assert.Equal(2, meta.GetProperty("exit_code").GetInt32());
        Assert.Equal(Environment.MachineName, meta.GetProperty("coordinator").GetProperty("host").GetString());
        Assert.False(string.IsNullOrEmpty(meta.GetProperty("coordinator").GetProperty("version").GetString()));
        Assert.True(meta.GetProperty("duration_ms").GetDouble() > 0);
        var started = meta.GetProperty("started_at").GetDateTimeOffset();
        Assert.InRange(started, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(2), DateTimeOffset.UtcNow);
        Assert.Equal("""{"total":7,"failed":1,"warning":1,"unknown":1,"ok":3,"skipped":1}""", Compact(meta.GetProperty("counts")));

        var zones = root.GetProperty("zones").EnumerateArray().ToDictionary(z => z.GetProperty("name").GetString()!);
        Assert.Equal(["batch", "local", "web"], zones.Keys.Order());
        var agent = Assert.Single(zones["web"].GetProperty("agents").EnumerateArray());
        Assert.Equal("web-1", agent.GetProperty("name").GetString());
        Assert.Contains($"127.0.0.1:{fixture.Agent.Port}", agent.GetProperty("address").GetString());
        Assert.Empty(zones["batch"].GetProperty("agents").EnumerateArray());

        var results = root.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(7, results.Count);
        Assert.Equal(["FAILED", "WARNING", "UNKNOWN"], root.GetProperty("results").EnumerateArray().Take(3).Select(r => r.GetProperty("status").GetString()));

        var failed = results["web-to-closed"];
        Assert.Equal("web", failed.GetProperty("zone").GetString());
        Assert.Equal("web-1", failed.GetProperty("agent").GetString());
        Assert.Equal("connection refused", failed.GetProperty("reason").GetString());
        Assert.Equal($"127.0.0.1:{fixture.Closed}", failed.GetProperty("destination").GetString());
        Assert.Equal(fixture.Closed, failed.GetProperty("target").GetProperty("port").GetInt32());
        Assert.Equal($"tcp:127.0.0.1:{fixture.Closed}", failed.GetProperty("sub_checks")[0].GetProperty("name").GetString());
        Assert.False(failed.GetProperty("sub_checks")[0].GetProperty("passed").GetBoolean());

        var blocked = results["web-blocked"];
        Assert.Equal("OK", blocked.GetProperty("status").GetString());
        Assert.False(blocked.GetProperty("reachable").GetBoolean());

        var unknown = results["batch-to-open"];
        Assert.Equal(JsonValueKind.Null, unknown.GetProperty("agent").ValueKind);
        Assert.StartsWith("no agent in zone batch", unknown.GetProperty("reason").GetString());

        var cert = results["cert-40d"];
        Assert.Equal("WARNING", cert.GetProperty("status").GetString());
        Assert.Equal(60, cert.GetProperty("thresholds").GetProperty("cert_warn_days").GetDouble());
        Assert.InRange(cert.GetProperty("certificate").GetProperty("days_left").GetDouble(), 38.9, 40.1);
        Assert.Equal(
            fixture.Certificates.Expiring40Days.NotAfter,
            cert.GetProperty("certificate").GetProperty("not_after").GetDateTimeOffset());

        Assert.Equal(10000, results["local-open"].GetProperty("thresholds").GetProperty("warn_ms").GetDouble());
        Assert.Equal(["db"], results["local-open"].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("SKIPPED", results["not-selected"].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unbuffered_json_is_still_one_document()
    {
        using var config = new TempConfig(fixture.Yaml);

        var run = await ProcessRunner.ConnCheckAsync(fixture.Args(config.Path, "--format", "json", "-U"));

        Assert.True(run.ExitCode == 2, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        AssertValid(document.RootElement, run);
        Assert.Equal(7, document.RootElement.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Schema_rejects_a_document_that_drifts_from_it()
    {
        using var config = new TempConfig(fixture.Yaml);
        var run = await ProcessRunner.ConnCheckAsync(fixture.Args(config.Path, "--format", "json"));
        var drifted = run.Stdout.Replace("\"status\": \"FAILED\"", "\"status\": \"BROKEN\"", StringComparison.Ordinal);
        Assert.NotEqual(run.Stdout, drifted);

        using var document = JsonDocument.Parse(drifted);
        Assert.False(Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List }).IsValid);
    }

    [Theory]
    [InlineData("nagios")]
    [InlineData("json")]
    [InlineData("junit")]
    public async Task Config_errors_keep_the_nagios_line_and_exit_3_whatever_the_format(string format)
    {
        using var config = new TempConfig("- { type: tcp, host: 127.0.0.1 }\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--format", format);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal($"CONN-CHECK UNKNOWN: invalid config {config.Path}:1:3: tcp check is missing required field 'port'", run.StatusLine);
        Assert.Single(run.Lines);
    }

    private static void AssertValid(JsonElement root, ProcessResult run)
    {
        var result = Schema.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"));
        Assert.True(result.IsValid, "schema errors:\n" + string.Join("\n", errors) + "\n" + run);
    }

    private static string Compact(JsonElement element) => JsonSerializer.Serialize(element);
}
