using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;
using ConnCheck.Checks.Types;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Protocol.Serialization;

/// <summary>
/// Serializes the protocol records as System.Text.Json with a short string manifest per type.
/// Only the types listed here can be read from the wire: no CLR type name is ever deserialized.
/// </summary>
public sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4550;

    private static readonly FrozenDictionary<Type, string> ManifestByType = new Dictionary<Type, string>
    {
        [typeof(Hello)] = "hello",
        [typeof(HelloReply)] = "hello-reply",
        [typeof(RunBatch)] = "run-batch",
        [typeof(CheckCompleted)] = "check-completed",
        [typeof(CheckResults)] = "check-results",
        [typeof(BatchCompleted)] = "batch-completed",
        [typeof(BatchRejected)] = "batch-rejected",
        [typeof(CancelBatch)] = "cancel-batch",
        [typeof(GetAgents)] = "get-agents",
        [typeof(AgentList)] = "agent-list",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> TypeByManifest = ManifestByType.ToFrozenDictionary(p => p.Value, p => p.Key);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        MaxDepth = 16,
        Converters = { new JsonStringEnumConverter() },
        // A peer's null or missing member where the record has none is a malformed message, not a
        // record that throws later (RunBatch.Checks = null crashed the agent's first log line).
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,

        // A check's options travel as its type's own record (CheckOptions is abstract).
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { CheckTypes.Default.AddOptionsTypes } },
    };

    public override int Identifier => Id;

    /// <summary>
    /// Builds the serializer's contract of every message type and of the types they hold (reflection,
    /// converters), which the first message of each type would otherwise do. Check options' own
    /// records are left to their first use: a run sends few of the types.
    /// </summary>
    public static void Prepare()
    {
        var seen = new HashSet<Type>();
        var next = new Stack<Type>(ManifestByType.Keys);
        while (next.TryPop(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            var info = Json.GetTypeInfo(type);
            foreach (var property in info.Properties)
            {
                next.Push(property.PropertyType);
            }

            if (info.ElementType is { } element)
            {
                next.Push(element);
            }
        }
    }

    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"conn-check protocol cannot send {o.GetType().Name}");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypeByManifest.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"unknown conn-check message '{manifest}' (a peer of another version?)");
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"empty '{manifest}' message");
        }
        catch (NotSupportedException ex)
        {
            // Check options without their type's name: the abstract record cannot be built.
            throw new SerializationException($"malformed '{manifest}' message: {ex.Message}", ex);
        }
    }
}
