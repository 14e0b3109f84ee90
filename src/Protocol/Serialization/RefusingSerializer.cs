using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ConnCheck.Protocol.Serialization;

/// <summary>
/// Stands in for Akka's default JSON serializer, which writes and reads CLR type names. Anything
/// not bound to a specific serializer is refused instead of being sent or read by type name.
/// </summary>
public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    // Akka passes the "json" serializer's settings section to whatever class stands behind that name.
    public RefusingSerializer(ExtendedActorSystem system, Akka.Configuration.Config settings)
        : this(system)
    {
        _ = settings;
    }

    public override int Identifier => 4551;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType().Name} is not a conn-check protocol message and cannot cross the wire");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException("refusing a message serialized by type name");
}
