using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using ConnCheck.Checks.Engine;
using ConnCheck.Coordinator.Config;
using ConnCheck.Protocol.Serialization;

namespace ConnCheck.Tests.Fuzz;

/// <summary>
/// The two parsers that read untrusted input, as fuzz targets: any exception other than the parser's
/// own refusal is a bug. Shared by the SharpFuzz harness (tests/fuzz/ConnCheck.Fuzz, which links this
/// file) and <see cref="FuzzCorpusTests"/>, which replays the corpus the fuzzer found.
/// </summary>
public static class FuzzTargets
{
    private static readonly ProtocolSerializer Serializer = new(null!);

    /// <summary>A config file: it loads, or is refused with line and column (ConfigException).</summary>
    public static void Config(byte[] input)
    {
        try
        {
            new ConfigLoader(ConnCheck.Checks.Types.CheckTypes.Default, new EnvInterpolation(_ => null)).Load(input, "fuzz.yaml");
        }
        catch (ConfigException)
        {
        }
    }

    /// <summary>A wire message: "MANIFEST\n" then the payload. It deserializes, or is refused as a serialization error.</summary>
    public static void Wire(byte[] input)
    {
        var newline = Array.IndexOf(input, (byte)'\n');
        var manifest = newline < 0 ? "" : Encoding.UTF8.GetString(input, 0, newline);
        var payload = newline < 0 ? input : input[(newline + 1)..];
        try
        {
            // What the agent and coordinator do first with a message: log it (the records' ToString walks every member).
            _ = Serializer.FromBinary(payload, manifest).ToString();
        }
        catch (Exception ex) when (ex is SerializationException or JsonException)
        {
        }
    }
}
