using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using ConnCheck.Protocol;
using ConnCheck.Protocol.Messages;
using ConnCheck.Protocol.Serialization;

namespace ConnCheck.Tests.Actors;

public sealed class ProtocolSerializerTests() : TestKit(AgentActorTests.TestConfig)
{
    private Akka.Serialization.Serialization Serialization => Sys.Serialization;

    [Fact]
    public void Every_protocol_message_round_trips_with_a_short_string_manifest()
    {
        var check = new CheckSpec
        {
            Id = 7,
            Type = "tcp",
            Name = "db",
            Destination = new Destination("db.internal", 5432),
            From = ["web", "batch"],
            On = RunOn.Any,
            Tags = ["db"],
            TimeoutSeconds = 2.5,
            Reachable = false,
            Fields = new Dictionary<string, System.Text.Json.JsonElement> { ["host"] = System.Text.Json.JsonSerializer.SerializeToElement("db.internal") },
        };
        var result = new CheckResult
        {
            CheckId = 7, Name = "db", Type = "tcp", Destination = "db.internal:5432", Status = CheckStatus.Warning, Reason = "slow",
            Zone = "web", Agent = "app-1", DurationMs = 1.5, SubChecks = [new SubCheckResult("tcp:db.internal:5432", true, 1.2)],
            CertificateNotAfter = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
        };

        var batch = RoundTrip(new RunBatch(ProtocolVersion.Current, "r1", "web", [check], 10), "run-batch");
        var completed = RoundTrip(new CheckCompleted("r1", result), "check-completed");
        var several = RoundTrip(new CheckResults("r1", [result, result with { CheckId = 8 }]), "check-results");
        RoundTrip(new Hello(1), "hello");
        RoundTrip(new HelloReply(1, "a", "web", "h"), "hello-reply");
        RoundTrip(new BatchCompleted("r1", 3), "batch-completed");
        RoundTrip(new BatchRejected("r1", "no"), "batch-rejected");
        RoundTrip(new CancelBatch("r1"), "cancel-batch");
        RoundTrip(new GetAgents(1), "get-agents");

        var spec = batch.Checks[0];
        Assert.Equal((7, "tcp", RunOn.Any, false, 2.5, "db.internal"), (spec.Id, spec.Type, spec.On, spec.Reachable, spec.TimeoutSeconds!.Value, spec.Fields["host"].GetString()));
        Assert.Equal(["web", "batch"], spec.From);
        Assert.Equal(CheckStatus.Warning, completed.Result.Status);
        Assert.Equal(result.CertificateNotAfter, completed.Result.CertificateNotAfter);
        Assert.Equal(result.SubChecks, completed.Result.SubChecks);
        Assert.Equal([7, 8], several.Results.Select(r => r.CheckId));
        Assert.Equal(result.SubChecks, several.Results[1].SubChecks);
    }

    [Fact]
    public void Unknown_manifests_and_non_protocol_objects_are_refused()
    {
        var serializer = (SerializerWithStringManifest)Serialization.FindSerializerForType(typeof(Hello));

        Assert.Contains("unknown conn-check message 'System.Diagnostics.Process'", Assert.Throws<SerializationException>(() => serializer.FromBinary(Encoding.UTF8.GetBytes("{}"), "System.Diagnostics.Process")).Message);
        var fallback = Serialization.FindSerializerForType(typeof(Uri));
        Assert.IsType<RefusingSerializer>(fallback);
        Assert.Throws<SerializationException>(() => fallback.ToBinary(new Uri("http://example.invalid")));
        Assert.Throws<SerializationException>(() => fallback.FromBinary([1, 2, 3], typeof(Uri)));
    }

    private T RoundTrip<T>(T message, string expectedManifest)
        where T : class
    {
        var serializer = Serialization.FindSerializerFor(message);
        Assert.IsType<ProtocolSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        Assert.Equal(expectedManifest, manifest);
        var back = Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
        return Assert.IsType<T>(back);
    }
}
