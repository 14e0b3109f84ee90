using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using ConnCheck.Checks.Model;
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
            Options = new ConnCheck.Checks.Types.TcpOptions("db.internal", 5432),
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

    public static TheoryData<string> MessageTypes => new(typeof(IProtocolMessage).Assembly.GetTypes()
        .Where(t => typeof(IProtocolMessage).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
        .Select(t => t.Name)
        .Order(StringComparer.Ordinal));

    [Fact]
    public void Every_message_type_is_covered()
    {
        Assert.Equal(10, MessageTypes.Count);
    }

    /// <summary>
    /// Every message type of the protocol assembly, built with every property (nested records and list
    /// items included) set to a value other than its default, survives the wire whole: compared as the
    /// complete JSON of the record before and after, so a field the serializer drops or mangles fails.
    /// </summary>
    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Every_field_of_every_message_survives_the_round_trip(string typeName)
    {
        var type = typeof(IProtocolMessage).Assembly.GetTypes().Single(t => t.Name == typeName && typeof(IProtocolMessage).IsAssignableFrom(t));
        var generator = new NonDefaultValues();
        var message = generator.Make(type);

        var serializer = Serialization.FindSerializerFor(message);
        Assert.IsType<ProtocolSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);

        Assert.IsType(type, back);
        Assert.Equal(NonDefaultValues.Dump(message), NonDefaultValues.Dump(back));
        Assert.True(generator.Set > 0);
    }

    public static TheoryData<string> CheckTypeNames => new(ConnCheck.Checks.Types.CheckTypes.Default.Types.Select(t => t.Name));

    /// <summary>
    /// Every check type's options record, every option set to a value other than its default, survives
    /// the wire whole inside a run-batch (as its own record: the wire names it by the type's name).
    /// </summary>
    [Theory]
    [MemberData(nameof(CheckTypeNames))]
    public void Every_option_of_every_check_type_survives_the_round_trip(string typeName)
    {
        var optionsType = ConnCheck.Checks.Types.CheckTypes.Default.Get(typeName).OptionsType;
        var generator = new NonDefaultValues { OptionsType = optionsType };
        var message = (RunBatch)generator.Make(typeof(RunBatch));

        var back = RoundTrip(message, "run-batch");

        Assert.IsType(optionsType, back.Checks[0].Options);
        Assert.IsType(optionsType, back.Checks[0].ZoneOptions.Values.First());
        Assert.Equal(NonDefaultValues.Dump(message), NonDefaultValues.Dump(back));
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

/// <summary>Builds protocol records whose every property differs from its default (and from each other).</summary>
internal sealed class NonDefaultValues
{
    private int next = 1;

    public int Set { get; private set; }

    /// <summary>The options record a <see cref="CheckOptions"/> property gets (the richest by default).</summary>
    public Type OptionsType { get; init; } = typeof(ConnCheck.Checks.Types.HttpOptions);

    /// <summary>Every public property, recursively, by reflection (not by a serializer that could skip the same ones).</summary>
    public static string Dump(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        System.Text.Json.JsonElement element => element.GetRawText(),
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        bool or Enum => value.ToString()!,
        System.Collections.IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{k}: {Dump(map[k])}").Order(StringComparer.Ordinal)) + "}",
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Dump)) + "]",
        _ => value.GetType().Name + " {" + string.Join(", ", value.GetType().GetProperties().Select(p => $"{p.Name} = {Dump(p.GetValue(value))}")) + "}",
    };

    public object Make(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = constructor.GetParameters();
        var instance = constructor.Invoke(parameters.Select(p => Value(p.ParameterType, p.Name!, null)).ToArray());
        var defaults = parameters.Length == 0 ? constructor.Invoke([]) : null;
        foreach (var property in type.GetProperties().Where(p => p.CanWrite && parameters.All(a => !string.Equals(a.Name, p.Name, StringComparison.OrdinalIgnoreCase))))
        {
            property.SetValue(instance, Value(property.PropertyType, property.Name, defaults is null ? null : property.GetValue(defaults)));
        }

        return instance;
    }

    private object Value(Type type, string name, object? current)
    {
        Set++;
        var n = next++;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(int))
        {
            return 100 + n;
        }

        if (underlying == typeof(double))
        {
            return n + 0.25;
        }

        if (underlying == typeof(bool))
        {
            return current is bool b ? !b : true;
        }

        if (underlying == typeof(string))
        {
            return $"{name}-{n} é";
        }

        if (underlying.IsEnum)
        {
            var values = Enum.GetValues(underlying);
            return values.GetValue(values.Length - 1)!;
        }

        if (underlying == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero).AddMinutes(n);
        }

        if (underlying == typeof(IReadOnlyDictionary<string, System.Text.Json.JsonElement>))
        {
            return new Dictionary<string, System.Text.Json.JsonElement>
            {
                ["host"] = System.Text.Json.JsonSerializer.SerializeToElement($"host-{n}"),
                ["port"] = System.Text.Json.JsonSerializer.SerializeToElement(5000 + n),
                ["headers"] = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["X-A"] = "1" }),
                ["auth"] = System.Text.Json.JsonSerializer.SerializeToElement(new[] { "user", "pass" }),
            };
        }

        if (underlying == typeof(KeyValuePair<string, string>))
        {
            return new KeyValuePair<string, string>($"{name}-key-{n}", $"{name}-{n} é");
        }

        if (underlying == typeof(CheckOptions))
        {
            return Make(OptionsType);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && underlying.GetGenericArguments()[0] == typeof(string))
        {
            var map = (System.Collections.IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(underlying.GetGenericArguments()))!;
            map[$"{name}-{n}"] = Value(underlying.GetGenericArguments()[1], name, null);
            return map;
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var item = underlying.GetGenericArguments()[0];
            var list = Array.CreateInstance(item, 2);
            list.SetValue(Value(item, name, null), 0);
            list.SetValue(Value(item, name, null), 1);
            return list;
        }

        // The messages, and the check model they carry (which lives in Checks, below Protocol).
        if (underlying.IsClass && underlying.Namespace is { } space && (space.StartsWith("ConnCheck.Protocol", StringComparison.Ordinal) || space is "ConnCheck.Checks.Model" or "ConnCheck.Checks.Types"))
        {
            return Make(underlying);
        }

        throw new InvalidOperationException($"no non-default value for {type} {name}: extend NonDefaultValues");
    }
}
