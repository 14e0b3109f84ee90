using System.Globalization;
using System.Text.Json;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Checks.Model;

namespace ConnCheck.Tests.Support;

/// <summary>
/// The real servers tests/servers/start.sh started (tests/run.sh exports their DIR/env). A missing
/// variable fails the test with instructions: a service test never passes without its server.
/// </summary>
public static class TestServers
{
    public static string Get(string name)
    {
        var key = "CONNCHECK_TEST_" + name;
        var value = Environment.GetEnvironmentVariable(key);
        return string.IsNullOrEmpty(value)
            ? throw new InvalidOperationException(
                $"{key} is not set: the service tests need the real servers. Run them through tests/run.sh, or start them with " +
                "'bash tests/servers/start.sh DIR' and export DIR/env ('set -a; source DIR/env; set +a') before 'dotnet test'.")
            : value;
    }

    public static int Port(string name) => int.Parse(Get(name + "_PORT"), CultureInfo.InvariantCulture);

    /// <summary>Runs one check in-process through <see cref="CheckRunner"/>, as conn-check does for zone local.</summary>
    public static Task<CheckResult> RunAsync(string type, IReadOnlyDictionary<string, object> fields, double timeoutSeconds = 10, TlsSettings? tls = null)
    {
        var checkType = CheckTypes.Default.Get(type);
        var values = fields.ToDictionary(f => f.Key, f => JsonSerializer.SerializeToElement(f.Value));
        var options = checkType.Parse(new CheckFields(values));
        var target = checkType.Describe(options);
        var spec = new CheckSpec
        {
            Id = 1,
            Type = checkType.Name,
            Name = target.Name,
            Destination = target.Destination,
            TimeoutSeconds = timeoutSeconds,
            Options = options,
        };
        var runner = new CheckRunner(CheckTypes.Default, new RunnerOptions { Tls = tls ?? TlsSettings.SystemOnly });
        return runner.RunOneAsync(spec, Vantage.Local, CancellationToken.None);
    }

    /// <summary>
    /// A result line that states the product's own classification (<paramref name="classification"/>, the
    /// words conn-check chose) and then carries the far end's own text, whatever a server version words
    /// it: non-empty, on the line, and followed by <paramref name="end"/>.
    /// </summary>
    public static void AssertCarriesFarEndText(string line, string classification, string end = "")
    {
        Assert.StartsWith(classification, line, StringComparison.Ordinal);
        Assert.EndsWith(end, line, StringComparison.Ordinal);
        var farEnd = line[classification.Length..^end.Length].Trim();
        Assert.True(farEnd.Length >= 3 && farEnd.Any(char.IsLetter), $"no far-end text after '{classification}' in '{line}'");
    }

    /// <summary>The report line of the check named <paramref name="name"/> (checks in these tests set name:).</summary>
    public static string Line(this ProcessResult run, string name) =>
        run.Lines.SingleOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no report line for '{name}' in:\n{run}");
}
