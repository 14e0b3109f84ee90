using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Reporting;

/// <summary>--format junit from a real run with a real agent, validated against the strict Ant JUnit layout.</summary>
[Collection(TimingSensitive.Name)]
public sealed class JunitReportTests(ReportFixture fixture) : IClassFixture<ReportFixture>
{
    [Fact]
    public async Task Junit_report_has_a_suite_per_zone_and_a_case_per_result_and_validates()
    {
        using var config = new TempConfig(fixture.Yaml);

        var run = await ProcessRunner.ConnCheckAsync(fixture.Args(config.Path, "--format", "junit"));

        Assert.True(run.ExitCode == 2, run.ToString());
        var document = Validate(run.Stdout, run);
        var root = document.Root!;
        Assert.Equal("testsuites", root.Name.LocalName);
        Assert.Equal(("7", "1", "1", "1"), ((string)root.Attribute("tests")!, (string)root.Attribute("failures")!, (string)root.Attribute("errors")!, (string)root.Attribute("skipped")!));

        var suites = root.Elements("testsuite").ToDictionary(s => (string)s.Attribute("name")!);
        Assert.Equal(["batch", "local", "web"], suites.Keys);
        Assert.Equal("web-1", suites["web"].Element("properties")!.Elements("property").Single(p => (string)p.Attribute("name")! == "agents").Attribute("value")!.Value);

        XElement Case(string suite, string name) => suites[suite].Elements("testcase").Single(c => (string)c.Attribute("name")! == name);

        var failure = Case("web", "web-to-closed").Element("failure")!;
        Assert.Equal("connection refused", (string)failure.Attribute("message")!);
        Assert.Equal("FAILED", (string)failure.Attribute("type")!);
        Assert.Contains($"tcp:127.0.0.1:{fixture.Closed} FAILED", failure.Value);
        Assert.Equal("web/web-1", (string)Case("web", "web-to-closed").Attribute("classname")!);

        Assert.DoesNotContain(Case("web", "web-blocked").Elements(), e => e.Name.LocalName is "failure" or "error" or "skipped");
        Assert.Equal("UNKNOWN", (string)Case("batch", "batch-to-open").Element("error")!.Attribute("type")!);
        Assert.Equal("not selected", (string)Case("local", "not-selected").Element("skipped")!.Attribute("message")!);

        var warning = Case("local", "cert-40d");
        Assert.Null(warning.Element("failure"));
        Assert.StartsWith("WARNING - certificate expires in", warning.Element("system-out")!.Value);
        Assert.True(double.Parse((string)Case("local", "local-open").Attribute("time")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Far_end_text_that_XML_cannot_carry_is_dropped_not_breaking_the_document()
    {
        // A "redis" server whose error line carries markup, a control character and U+FFFE (valid UTF-8 that
        // no XML document may contain): the report must stay a valid document and keep the readable text.
        using var server = new ScriptedTcpServer(async (stream, ct) =>
        {
            if (await stream.ReadAsync(new byte[256], ct) == 0)
            {
                return; // the tcp step's connect-and-close
            }

            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes("-ERR <b>\u0001&\uFFFE odd\r\n"), ct);
            await ScriptedTcpServer.DrainAsync(stream, ct);
        });
        using var config = new TempConfig($"- {{ type: redis, name: 'odd <name> & \"quotes\"', host: 127.0.0.1, port: {server.Port} }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--format", "junit");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.DoesNotContain('\u0001', run.Stdout);
        Assert.DoesNotContain('\uFFFE', run.Stdout);
        var testcase = Validate(run.Stdout, run).Descendants("testcase").Single();
        Assert.Equal("odd <name> & \"quotes\"", (string)testcase.Attribute("name")!);
        Assert.EndsWith("PING failed: ERR <b> & odd", (string)testcase.Element("failure")!.Attribute("message")!);
    }

    private static XDocument Validate(string xml, ProcessResult run)
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(AppContext.BaseDirectory, "Corpus", "junit", "junit.xsd"));
        var problems = new List<string>();
        var document = XDocument.Parse(xml, LoadOptions.SetLineInfo);
        document.Validate(schemas, (_, e) => problems.Add($"{e.Severity} line {e.Exception?.LineNumber}: {e.Message}"));
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + run);
        Assert.Equal("1.0", document.Declaration?.Version);
        return document;
    }
}
