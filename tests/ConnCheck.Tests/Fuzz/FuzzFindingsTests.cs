using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using ConnCheck.Checks.Engine;
using ConnCheck.Coordinator.Config;
using ConnCheck.Protocol.Serialization;

namespace ConnCheck.Tests.Fuzz;

/// <summary>What the fuzzer found, each as a plain test of what the user or the peer sees.</summary>
public sealed class FuzzFindingsTests
{
    [Fact]
    public void A_required_field_with_no_value_is_a_config_error_with_its_position()
    {
        var error = Assert.Throws<ConfigException>(() => new ConfigLoader(ConnCheck.Checks.Types.CheckTypes.Default, new EnvInterpolation(_ => null)).Load("""
            - type: tcp
              host:
              port: 5432
            """, "deploy.yaml"));

        var only = Assert.Single(error.Errors);
        Assert.Equal((2, "required field 'host' has no value"), (only.Line, only.Message));
        Assert.True(only.Column > 0, only.ToString());
    }

    [Theory]
    [InlineData("run-batch", """{"version":1,"runId":"r1","zone":"web","checks":null,"defaultTimeoutSeconds":10}""")]
    [InlineData("hello-reply", """{"version":1}""")]
    public void A_wire_message_with_a_null_or_missing_member_is_refused_as_malformed(string manifest, string json)
    {
        var serializer = new ProtocolSerializer(null!);

        var error = Record.Exception(() => serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest));

        Assert.True(error is JsonException or SerializationException, $"expected a refusal, got {error?.GetType().Name ?? "a message"}");
    }
}
